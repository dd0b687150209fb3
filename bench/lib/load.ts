// The generator under sustained concurrent load while the poller churns: autocannon drives
// getparams (as Argo CD sends it) over N connections for D seconds; meanwhile new tags are pushed and
// announced by webhook every 250 ms and every repository is polled each second, so answers keep
// changing. Every reply body is checked (non-empty parameter list, the watch present), the service's
// RSS is sampled from /proc each 250 ms, and /healthz under the same load is the baseline.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startRegistry } from '../../test/helpers/registry.ts';
import { deleteManifest, pushImage } from '../../test/helpers/images.ts';
import { writeConfig } from './config.ts';
import { postRaw, rssOf, startService, waitReady, type ServiceProcess } from './service.ts';

export interface RouteFigures {
  readonly requests: number;
  readonly rps: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly timeouts: number;
  readonly mismatches: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LoadResult {
  readonly connections: number;
  readonly seconds: number;
  readonly getparams: RouteFigures;
  readonly healthz: RouteFigures;
  /** Resolution changes the poller made during the getparams run. */
  readonly changes: number;
  readonly rss: { readonly timelineMiB: readonly number[]; readonly startMiB: number; readonly peakMiB: number; readonly firstQuarterMiB: number; readonly lastQuarterMiB: number; readonly endMiB: number };
  readonly logLines: readonly string[];
}

const REPOS = ['load/web', 'load/api', 'load/worker'] as const;

function figures(r: autocannon.Result): RouteFigures {
  const latency = r.latency as autocannon.Histogram & { p99: number; p50: number };
  return {
    requests: r.requests.total,
    rps: Math.round(r.requests.average),
    errors: r.errors,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
    mismatches: (r as autocannon.Result & { mismatches?: number }).mismatches ?? 0,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
  };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

const mib = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

export async function runLoad(options: { cli: string; token: string; webhookSecret: string; connections: number; seconds: number; /** V8 old-space cap for the service, MiB */ heapMiB?: number }): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'aip-load-'));
  const reg = await startRegistry();
  let service: ServiceProcess | undefined;
  try {
    const versions: Record<string, number> = {};
    for (const repo of REPOS) {
      await pushImage(reg, repo, '1.0.0', { created: '2026-04-01T00:00:00Z', label: `${repo}-0` });
      versions[repo] = 0;
    }
    await mkdir(join(dir, 'cache'));
    await writeFile(join(dir, 'token'), `${options.token}\n`);
    await writeFile(join(dir, 'webhook'), `${options.webhookSecret}\n`);
    const clusters = Array.from({ length: 20 }, (_, i) => `cluster-${i}`);
    const config = await writeConfig({
      dir,
      tokenFile: join(dir, 'token'),
      webhookSecretFile: join(dir, 'webhook'),
      intervalSeconds: 1,
      registries: [{ host: reg.host, url: reg.url, requestsPerSecond: 200 }],
      watches: REPOS.map((repo) => ({ name: repo.split('/')[1]!, image: `${reg.host}/${repo}`, range: '>=1.0.0' })),
      clusters,
    });
    const s = await startService({ cli: options.cli, config, ...(options.heapMiB !== undefined && { env: { NODE_OPTIONS: `--max-old-space-size=${options.heapMiB}` } }) });
    service = s;
    await waitReady(s.url, 30_000);
    const pid = s.child.pid!;
    const body = `${JSON.stringify({ applicationSetName: 'load', input: { parameters: { images: ['web', 'api', 'worker'] } } })}\n`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${options.token}` };
    const verifyBody = (text: string): boolean => {
      try {
        const sets = (JSON.parse(text) as { output: { parameters: Array<{ images: Record<string, unknown> }> } }).output.parameters;
        return sets.length === clusters.length && sets.every((p) => p.images.web !== undefined && p.images.api !== undefined && p.images.worker !== undefined);
      } catch {
        return false;
      }
    };

    const healthz = await autocannon({ url: `${s.url}/healthz`, connections: options.connections, duration: Math.max(2, Math.round(options.seconds / 4)) });

    // Churn: a new tag for one repository every 250 ms, announced by webhook; the tag KEEP versions
    // older is deleted, so the registry (and what the service may rightly remember about it) stays
    // the same size and any memory growth is the service's own.
    let churning = true;
    let round = 0;
    const KEEP = 5;
    const pushed = new Map<string, string[]>(REPOS.map((r) => [r, []]));
    const churn = (async () => {
      while (churning) {
        const repo = REPOS[round++ % REPOS.length]!;
        versions[repo] = versions[repo]! + 1;
        const tag = `1.0.${versions[repo]}`;
        const image = await pushImage(reg, repo, tag, { created: '2026-04-01T00:00:00Z', label: `${repo}-${tag}` });
        const list = pushed.get(repo)!;
        list.push(image.digest);
        if (list.length > KEEP) await deleteManifest(reg, repo, list.shift()!);
        await postRaw(s.url, '/api/v1/webhooks/distribution', JSON.stringify({ events: [{ action: 'push', target: { repository: repo, tag }, request: { host: reg.host } }] }), { authorization: `Bearer ${options.webhookSecret}` });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const rss: number[] = [];
    const startRss = (await rssOf(pid)) ?? 0;
    const sampler = setInterval(() => void rssOf(pid).then((v) => v !== undefined && rss.push(v)), 250);
    const getparams = await autocannon({ url: `${s.url}/api/v1/getparams.execute`, method: 'POST', headers, body, connections: options.connections, duration: options.seconds, verifyBody } as autocannon.Options);
    clearInterval(sampler);
    churning = false;
    await churn;
    const changes = s.lines().filter((l) => l.includes('"msg":"resolution changed"')).length;
    const quarter = Math.max(1, Math.floor(rss.length / 4));
    const result: LoadResult = {
      connections: options.connections,
      seconds: options.seconds,
      getparams: figures(getparams),
      healthz: figures(healthz),
      changes,
      rss: {
        timelineMiB: Array.from({ length: 10 }, (_, i) => mib(mean(rss.slice(Math.floor((i * rss.length) / 10), Math.floor(((i + 1) * rss.length) / 10))))),
        startMiB: mib(startRss),
        peakMiB: mib(Math.max(startRss, ...rss)),
        firstQuarterMiB: mib(mean(rss.slice(0, quarter))),
        lastQuarterMiB: mib(mean(rss.slice(-quarter))),
        endMiB: mib(rss.at(-1) ?? startRss),
      },
      logLines: s.lines(),
    };
    return result;
  } finally {
    await service?.stop('SIGKILL');
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
