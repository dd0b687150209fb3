// getparams throughput and p99 for 500 clusters × 20 watches, against a bare Fastify route that
// returns the same bytes from memory, measured in the same run (rounds alternate so both see the
// same machine state). Run: node bench/getparams.ts [--seconds 3] [--connections 8]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { Pool } from 'undici';
import { createResolutionCache } from '../src/cache/store.ts';
import { createClusterSource } from '../src/clusters/source.ts';
import { parseConfig } from '../src/config/parse.ts';
import { buildApp } from '../src/server/app.ts';
import { systemClock } from '../src/shared/clock.ts';
import { createLogger } from '../src/shared/log.ts';

const CLUSTERS = 500;
const WATCHES = 20;
const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 2);
const CONNECTIONS = arg('connections', 2);
const ROUNDS = arg('rounds', 5);
const TOKEN = 'bench-token-0123456789';

function config(dir: string) {
  const watches = Array.from({ length: WATCHES }, (_, i) => ({
    name: `svc${String(i).padStart(2, '0')}`,
    image: `registry.bench:5000/acme/svc${i}`,
    policy: { semver: { range: '>=1.0.0' } },
    environments: { staging: { policy: { semver: { range: '>=1.0.0-0' } } } },
  }));
  const clusters = Array.from({ length: CLUSTERS }, (_, i) => ({
    name: `cluster-${String(i).padStart(3, '0')}`,
    server: `https://10.0.${Math.floor(i / 250)}.${i % 250}:6443`,
    labels: { environment: i % 5 === 0 ? 'staging' : 'prod', region: ['eu', 'us', 'ap'][i % 3]!, team: `t${i % 7}` },
    annotations: i % 4 === 0 ? { 'argocd-image-plugins/platforms': 'linux/arm64' } : {},
  }));
  const r = parseConfig({ server: { tokenFile: join(dir, 'token') }, registries: [{ host: 'registry.bench:5000', url: 'http://127.0.0.1:1', insecure: true }], watches, clusters: { platformsAnnotation: 'argocd-image-plugins/platforms', static: clusters } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

async function load(url: string, body: string, seconds: number): Promise<{ count: number; latencies: number[]; bytes: number }> {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  let bytes = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path: '/api/v1/getparams.execute', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'user-agent': 'argocd-applicationset' }, body });
      const buf = await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${Buffer.from(buf).toString()}`);
      bytes = buf.byteLength;
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  await pool.close();
  return { count: latencies.length, latencies, bytes };
}

function p99(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-getparams-'));
  writeFileSync(join(dir, 'token'), TOKEN);
  const cfg = config(dir);
  const cache = createResolutionCache();
  const now = new Date().toISOString();
  for (const w of cfg.watches) {
    for (const env of ['default', 'staging']) {
      for (const [n, tag] of [[1, '1.0.0'], [2, env === 'staging' ? '1.2.0-rc.1' : '1.1.0']] as const) {
        const digest = `sha256:${String(n).repeat(64).slice(0, 64)}`;
        cache.record(w.name, env, w.image, { kind: 'resolved', resolution: { tag, digest, ref: `${w.image}:${tag}@${digest}`, platforms: ['linux/amd64', 'linux/arm64'], resolvedAt: now }, summary: { tags: 40, candidates: 12, complete: true }, at: now });
      }
    }
  }
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const clusters = createClusterSource({ config: () => cfg.clusters, logger, clock: systemClock });
  const app = await buildApp({ logger, config: () => cfg, configError: () => undefined, cache, clusters, clock: systemClock, poller: { isReady: () => true, rescan: async () => undefined } });
  const appUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const body = `${JSON.stringify({ applicationSetName: 'bench', input: { parameters: { images: cfg.watches.map((w) => w.name) } } })}\n`;
  const first = await load(appUrl, body, 0.3);
  const probe = await fetch(`${appUrl}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body });
  const bytes = await probe.text();
  const sets = (JSON.parse(bytes) as { output: { parameters: unknown[] } }).output.parameters.length;

  const bare = Fastify();
  bare.post('/api/v1/getparams.execute', (_req, reply) => reply.type('application/json; charset=utf-8').send(bytes));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  await load(bareUrl, body, 0.3);

  // The machine may be shared: each round measures both back to back, and the median of the
  // per-round ratios is reported beside the totals.
  const totals = { app: { count: 0, lat: [] as number[] }, bare: { count: 0, lat: [] as number[] } };
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round: Record<string, number> = {};
    for (const [name, url] of (r % 2 === 0 ? [['bare', bareUrl], ['app', appUrl]] : [['app', appUrl], ['bare', bareUrl]]) as [('app' | 'bare'), string][]) {
      const res = await load(url, body, SECONDS);
      totals[name].count += res.count;
      totals[name].lat.push(...res.latencies);
      round[name] = res.count;
    }
    ratios.push(round.app! / round.bare!);
  }
  ratios.sort((a, b) => a - b);
  // One answer right after a cache change: the rebuild cost a request pays once per change.
  const w0 = cfg.watches[0]!;
  const d = `sha256:${'9'.repeat(64)}`;
  cache.record(w0.name, 'default', w0.image, { kind: 'resolved', resolution: { tag: '1.9.0', digest: d, ref: `${w0.image}:1.9.0@${d}`, platforms: ['linux/amd64', 'linux/arm64'], resolvedAt: now }, summary: { tags: 41, candidates: 13, complete: true }, at: now });
  const r0 = performance.now();
  await (await fetch(`${appUrl}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body })).text();
  const rebuildMs = performance.now() - r0;
  const seconds = SECONDS * ROUNDS;
  const appRps = totals.app.count / seconds;
  const bareRps = totals.bare.count / seconds;
  process.stdout.write(
    [
      `getparams: ${CLUSTERS} clusters x ${WATCHES} watches -> ${sets} parameter sets, ${(bytes.length / 1024 / 1024).toFixed(2)} MiB per answer (first answers: ${first.count})`,
      `connections ${CONNECTIONS}, ${ROUNDS} alternating rounds of ${SECONDS}s each`,
      `baseline (bare Fastify, same bytes from memory): ${bareRps.toFixed(1)} req/s, p99 ${p99(totals.bare.lat).toFixed(1)} ms`,
      `service (auth, input parsing, answer book):      ${appRps.toFixed(1)} req/s, p99 ${p99(totals.app.lat).toFixed(1)} ms`,
      `first answer after a cache change (rebuild + send): ${rebuildMs.toFixed(1)} ms`,
      `throughput ratio service/baseline: ${(appRps / bareRps).toFixed(2)} overall, median of rounds ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)} (rounds ${ratios.map((x) => x.toFixed(2)).join(' ')}; goal >= 0.80)`,
      '',
    ].join('\n'),
  );
  await app.close();
  await bare.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
