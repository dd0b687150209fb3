// Memory and getparams latency of the service holding the promotion state of many clusters and
// watches, against the same service without `environments` as the baseline, both running at once
// (each `serve` in its own process, bench/lib/scale-child.ts) on the same registry, clusters and
// Applications (bench/lib/scale-setup.ts). Both first resolve 1.3.0 everywhere; then the config
// changes so 1.4.0 resolves: without promotion every cluster serves it, with promotion staging
// does and prod's first wave does (pause 1h), so every watch is mid-rollout. Then: resident size and
// heap after a full collection, and getparams (all clusters, 10 watches per question, alternating
// between the two services) for distinct questions (every answer computed) and one repeated
// question (the answer cache), p50/p99 and the ratios. Also one evaluation of the pure engine at
// that size (clusters x watches, one Application per cluster listing every image).
//   node bench/promotion-scale.ts [--clusters 300] [--watches 60] [--requests 60]
//   (the figure in docs/reliability.md: --clusters 1000 --watches 200 --requests 200)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { startKubeApi } from '../test/helpers/kube-api.ts';
import { engineSeconds } from './lib/scale-engine.ts';
import { TOKEN, writeApplications, writeConfig, type ScaleShape } from './lib/scale-setup.ts';
import { startSyntheticRegistry } from './lib/synthetic-registry.ts';

const { values } = parseArgs({ options: { clusters: { type: 'string', default: '300' }, watches: { type: 'string', default: '60' }, requests: { type: 'string', default: '60' } } });
const SHAPE: ScaleShape = { clusters: Number(values.clusters), watches: Number(values.watches) };
const REQUESTS = Number(values.requests);

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
}

function quantile(list: readonly number[], q: number): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function startChild(config: string, kubeconfig: string): Promise<Child> {
  const child = fork(new URL('./lib/scale-child.ts', import.meta.url).pathname, [config], { execArgv: ['--expose-gc'], env: { ...process.env, KUBECONFIG: kubeconfig } });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`service exited ${code}`)));
  });
  return { process: child, url };
}

async function memoryOf(child: Child): Promise<NodeJS.MemoryUsage> {
  const answer = new Promise<NodeJS.MemoryUsage>((resolve) => child.process.once('message', (m) => resolve((m as { memory: NodeJS.MemoryUsage }).memory)));
  child.process.send('memory');
  return answer;
}

async function getJson(url: string, path: string): Promise<unknown> {
  const res = await request(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return res.statusCode === 200 ? res.body.json() : (await res.body.dump(), undefined);
}

/** Polls (every 200 ms, at most 10 min) until every watch serves `tag` and, with promotion, prod stands as `prod` says. */
async function until(child: Child, tag: string, prod?: (p: { environment: string; served: string; pending?: string; wave?: number }) => boolean): Promise<void> {
  const end = Date.now() + 600_000;
  for (;;) {
    const body = (await getJson(child.url, '/api/v1/images')) as { images: Array<{ tag: string | null }>; promotion: Array<{ environment: string; served: string; pending?: string; wave?: number }> } | undefined;
    const tagged = body?.images.filter((i) => i.tag === tag).length ?? 0;
    const stood = body !== undefined && (prod === undefined || body.promotion.filter((p) => p.environment === 'prod' && prod(p)).length === SHAPE.watches);
    if (tagged >= SHAPE.watches && stood) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${tag} at ${child.url}: ${tagged} watches on it`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Time of one getparams for all clusters and the given watches. */
async function ask(child: Child, images: readonly string[]): Promise<number> {
  const t = performance.now();
  const res = await request(`${child.url}/api/v1/getparams.execute`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ applicationSetName: 'scale', input: { parameters: { images } } }) });
  const body = await res.body.text();
  if (res.statusCode !== 200 || !body.includes('"parameters"')) throw new Error(`getparams answered ${res.statusCode}`);
  return performance.now() - t;
}

/** getparams answers so far by where they came from (the service's getparams_answers_total). */
async function answersOf(child: Child): Promise<{ cache: number; built: number }> {
  const res = await request(`${child.url}/metrics`);
  const text = await res.body.text();
  const count = (from: string): number => Number(text.match(new RegExp(`getparams_answers_total\\{from="${from}"\\} (\\d+)`))?.[1] ?? 0);
  return { cache: count('cache'), built: count('built') };
}

/** Alternating questions to both; `distinct` picks another 10 watches each time, else always the first 10. */
async function latencies(a: Child, b: Child, distinct: boolean): Promise<[number[], number[]]> {
  const out: [number[], number[]] = [[], []];
  for (let i = 0; i < REQUESTS; i++) {
    const images = Array.from({ length: 10 }, (_, k) => `w${distinct ? (i * 7 + k * 13) % SHAPE.watches : k}`);
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const j of order) out[j]!.push(await ask(j === 0 ? a : b, images));
  }
  return out;
}

const started = performance.now();
const progress = (what: string): boolean => process.stderr.write(`${((performance.now() - started) / 1000).toFixed(0)} s: ${what}\n`);

const MiB = (n: number): string => (n / 2 ** 20).toFixed(1);

function report(memory: [NodeJS.MemoryUsage, NodeJS.MemoryUsage], distinct: [number[], number[]], repeated: [number[], number[]], engine: { gate: number; rolling: number }): void {
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(`${SHAPE.clusters} clusters x ${SHAPE.watches} watches, ${SHAPE.clusters} Applications of ${SHAPE.watches} images; prod mid-rollout for every watch`);
  out(`| figure | with promotion | without (baseline) | ratio |\n|---|---|---|---|`);
  out(`| RSS after full GC, MiB | ${MiB(memory[0].rss)} | ${MiB(memory[1].rss)} | ${(memory[0].rss / memory[1].rss).toFixed(2)} |`);
  out(`| heap used after full GC, MiB | ${MiB(memory[0].heapUsed)} | ${MiB(memory[1].heapUsed)} | ${(memory[0].heapUsed / memory[1].heapUsed).toFixed(2)} |`);
  for (const [what, [p, b]] of [['distinct questions', distinct], ['one repeated question', repeated]] as const) {
    for (const q of [0.5, 0.99]) out(`| getparams ${what}, p${q * 100} ms | ${quantile(p, q).toFixed(1)} | ${quantile(b, q).toFixed(1)} | ${(quantile(p, q) / quantile(b, q)).toFixed(2)} |`);
  }
  out(`one engine evaluation at this size (pure, in-process): ${(engine.gate * 1000).toFixed(0)} ms with every watch at prod's entry gate, ${(engine.rolling * 1000).toFixed(0)} ms mid-rollout`);
}

async function main(dir: string, cleanups: Array<() => unknown>): Promise<void> {
  const reg = await startSyntheticRegistry({ repositories: SHAPE.watches, tagsPerRepository: 5 });
  cleanups.push(() => reg.stop());
  const peer = await startKubeApi({ after: (fn: () => unknown) => void cleanups.push(fn) } as unknown as TestContext);
  await writeApplications(peer.url, peer.token, SHAPE, reg.host);
  progress('Applications written');
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  await writeFile(join(dir, 'kubeconfig'), JSON.stringify({ 'current-context': 'p', contexts: [{ name: 'p', context: { cluster: 'p', user: 'u' } }], clusters: [{ name: 'p', cluster: { server: peer.url } }], users: [{ name: 'u', user: { token: peer.token } }] }));
  const configs = [await writeConfig(dir, 'promotion', SHAPE, reg.host, '<1.4.0', true), await writeConfig(dir, 'baseline', SHAPE, reg.host, '<1.4.0', false)];
  const [withPromotion, baseline] = [await startChild(configs[0]!, join(dir, 'kubeconfig')), await startChild(configs[1]!, join(dir, 'kubeconfig'))];
  for (const c of [withPromotion, baseline]) cleanups.push(() => c.process.kill('SIGKILL'));
  await Promise.all([until(withPromotion, '1.3.0', (p) => p.served.includes(':1.3.0@')), until(baseline, '1.3.0')]);
  progress('1.3.0 everywhere; 1.4.0 resolves now');
  await writeConfig(dir, 'promotion', SHAPE, reg.host, '^1', true);
  await writeConfig(dir, 'baseline', SHAPE, reg.host, '^1', false);
  await Promise.all([until(withPromotion, '1.4.0', (p) => p.pending?.includes(':1.4.0@') === true && p.wave === 1), until(baseline, '1.4.0')]);
  progress('prod mid-rollout for every watch');
  const memory: [NodeJS.MemoryUsage, NodeJS.MemoryUsage] = [await memoryOf(withPromotion), await memoryOf(baseline)];
  const distinct = await latencies(withPromotion, baseline, true);
  const before = await Promise.all([answersOf(withPromotion), answersOf(baseline)]);
  const repeated = await latencies(withPromotion, baseline, false);
  const after = await Promise.all([answersOf(withPromotion), answersOf(baseline)]);
  report(memory, distinct, repeated, engineSeconds(SHAPE));
  for (const [i, name] of ['with promotion', 'baseline'].entries()) {
    process.stdout.write(`repeated question, ${name}: ${after[i]!.cache - before[i]!.cache} of ${REQUESTS} answered from the answer cache, ${after[i]!.built - before[i]!.built} built\n`);
  }
}

const dir = await mkdtemp(join(tmpdir(), 'aip-bench-scale-'));
const cleanups: Array<() => unknown> = [() => rm(dir, { recursive: true, force: true })];
try {
  await main(dir, cleanups);
} finally {
  for (const fn of cleanups.reverse()) await fn();
}
