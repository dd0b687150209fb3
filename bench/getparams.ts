// getparams throughput and p99 for 500 clusters × 20 watches, against a bare Fastify route that
// returns the same (uncompressed) bytes from memory, measured in the same run (rounds rotate the
// order so every contestant sees the same machine state). Three contestants: the bare route, the
// service asked by a client that does not accept gzip, and the service asked like Argo CD's Go
// client asks (`Accept-Encoding: gzip`, the answer decompressed by the client, as Go's transport
// does). Then the first answer after a cache change, with and without gzip, alternating.
// Run: node bench/getparams.ts [--seconds 2] [--connections 2] [--rounds 5]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
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

const gunzipAsync = promisify(gunzip);

/** identity: no Accept-Encoding; wire: asks gzip, reads the bytes; decoded: asks gzip and inflates them too. */
type Mode = 'identity' | 'wire' | 'decoded';

async function load(url: string, body: string, seconds: number, mode: Mode = 'identity'): Promise<{ count: number; latencies: number[]; bytes: number }> {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  let bytes = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path: '/api/v1/getparams.execute', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'user-agent': 'argocd-applicationset', ...(mode !== 'identity' && { 'accept-encoding': 'gzip' }) }, body });
      const buf = Buffer.from(await res.body.arrayBuffer());
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${buf.toString()}`);
      bytes = buf.byteLength;
      if (res.headers['content-encoding'] === 'gzip' && mode === 'decoded') await gunzipAsync(buf);
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

  // A Go client inflates on its own machine; `inflated` shows what it costs when the client shares
  // the service's cores, as it does here.
  // The machine may be shared: each round measures every contestant back to back, rotating the
  // order, and the median of the per-round ratios is reported beside the totals.
  type Name = 'bare' | 'app' | 'gzip' | 'inflated';
  const contestants: [Name, string, Mode][] = [['bare', bareUrl, 'identity'], ['app', appUrl, 'identity'], ['gzip', appUrl, 'wire'], ['inflated', appUrl, 'decoded']];
  await load(appUrl, body, 0.3, 'wire'); // the gzip coding of the current answer is made here, once
  const totals = Object.fromEntries(contestants.map(([n]) => [n, { count: 0, lat: [] as number[], bytes: 0 }])) as Record<Name, { count: number; lat: number[]; bytes: number }>;
  const ratios: Record<Exclude<Name, 'bare'>, number[]> = { app: [], gzip: [], inflated: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const round = {} as Record<Name, number>;
    const order = contestants.map((_, i) => contestants[(i + r) % contestants.length]!);
    for (const [name, url, mode] of r % 2 === 0 ? order : order.reverse()) {
      const res = await load(url, body, SECONDS, mode);
      totals[name].count += res.count;
      totals[name].lat.push(...res.latencies);
      totals[name].bytes = res.bytes;
      round[name] = res.count;
    }
    ratios.app.push(round.app / round.bare);
    ratios.gzip.push(round.gzip / round.bare);
    ratios.inflated.push(round.inflated / round.bare);
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  // The first answer right after a cache change: the rebuild a request pays once per change, asked
  // without and with gzip in alternating order, each after its own change.
  const w0 = cfg.watches[0]!;
  const firstMs: Record<'identity' | 'gzip', number[]> = { identity: [], gzip: [] };
  const changes = Math.max(6, ROUNDS * 2);
  for (let i = 0; i < changes; i++) {
    const d = `sha256:${String(i % 10).repeat(64)}`;
    const tag = `1.9.${i}`;
    cache.record(w0.name, 'default', w0.image, { kind: 'resolved', resolution: { tag, digest: d, ref: `${w0.image}:${tag}@${d}`, platforms: ['linux/amd64', 'linux/arm64'], resolvedAt: now }, summary: { tags: 41, candidates: 13, complete: true }, at: now });
    const gzip = (i + Math.floor(i / 2)) % 2 === 1;
    const r0 = performance.now();
    const res = await fetch(`${appUrl}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'accept-encoding': gzip ? 'gzip' : 'identity' }, body });
    await res.text();
    firstMs[gzip ? 'gzip' : 'identity'].push(performance.now() - r0);
    // Let the new answer's gzip coding finish before the next change (with a deadline).
    for (const until = performance.now() + 30_000; performance.now() < until; ) {
      const again = await fetch(`${appUrl}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'accept-encoding': 'gzip' }, body });
      await again.arrayBuffer();
      if (again.headers.get('content-encoding') === 'gzip') break;
    }
  }
  const seconds = SECONDS * ROUNDS;
  const rps = (name: Name): number => totals[name].count / seconds;
  const firstIdentity = median(firstMs.identity);
  const firstGzip = median(firstMs.gzip);
  process.stdout.write(
    [
      `getparams: ${CLUSTERS} clusters x ${WATCHES} watches -> ${sets} parameter sets, ${(bytes.length / 1024 / 1024).toFixed(2)} MiB per answer (first answers: ${first.count})`,
      `connections ${CONNECTIONS}, ${ROUNDS} rotating rounds of ${SECONDS}s each`,
      `baseline (bare Fastify, same bytes from memory): ${rps('bare').toFixed(1)} req/s, p99 ${p99(totals.bare.lat).toFixed(1)} ms, ${totals.bare.bytes} bytes per answer`,
      `service, client without gzip:                   ${rps('app').toFixed(1)} req/s, p99 ${p99(totals.app.lat).toFixed(1)} ms, ${totals.app.bytes} bytes per answer`,
      `service, client asking gzip:                    ${rps('gzip').toFixed(1)} req/s, p99 ${p99(totals.gzip.lat).toFixed(1)} ms, ${totals.gzip.bytes} bytes per answer`,
      `service, client asking gzip and inflating it:   ${rps('inflated').toFixed(1)} req/s, p99 ${p99(totals.inflated.lat).toFixed(1)} ms (the inflating runs in this process, on the service's cores)`,
      `throughput ratio service/baseline: ${(rps('app') / rps('bare')).toFixed(2)} overall, median of rounds ${median(ratios.app).toFixed(2)} (rounds ${ratios.app.map((x) => x.toFixed(2)).join(' ')}; goal >= 0.80)`,
      `gzip: bytes ratio ${(totals.gzip.bytes / totals.bare.bytes).toFixed(3)} (goal <= 0.10); throughput ratio gzip/baseline ${(rps('gzip') / rps('bare')).toFixed(2)} overall, median of rounds ${median(ratios.gzip).toFixed(2)} (rounds ${ratios.gzip.map((x) => x.toFixed(2)).join(' ')}; goal >= 2)`,
      `gzip inflated by the client: throughput ratio ${(rps('inflated') / rps('bare')).toFixed(2)} overall, median of rounds ${median(ratios.inflated).toFixed(2)} (rounds ${ratios.inflated.map((x) => x.toFixed(2)).join(' ')})`,
      `first answer after a cache change (rebuild + send), median of ${firstMs.identity.length} each: without gzip ${firstIdentity.toFixed(1)} ms, asking gzip ${firstGzip.toFixed(1)} ms, ratio ${(firstGzip / firstIdentity).toFixed(2)} (goal <= 1.25)`,
      '',
    ].join('\n'),
  );
  await app.close();
  await bare.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
