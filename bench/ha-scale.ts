// Several replicas at scale: two real `serve --ha` processes (a leader and a follower, the production
// Lease timings 15/10/2 s) against the loopback Kubernetes API peer and synthetic loopback registries
// (bench/lib/synthetic-registry.ts: the OCI distribution read API, content made up on the fly). A
// config of W watches over R repositories (five semver ranges per repository) and C clusters in one
// environment. Measured, for the full size and for a baseline a tenth of it in the same run:
//   - the leader's first cycle (every repository scanned cold: tags, manifest HEAD and GET, config),
//     from the first to the last scan time in the published state, and the leader's CPU time;
//   - the state in the API (bytes of the head and shard ConfigMaps' data, shard count);
//   - RSS of the leader and the follower once the follower serves the state;
//   - getparams on the follower (five watches, every cluster), sequential: median, p99;
//   - registry requests of the cycle, and what the default budgets (requestBudget 1000 per registry
//     per interval, requestsPerSecond 10) make of them.
// The cycle is timed with the budgets lifted (requestsPerSecond 1000, requestBudget 1 000 000) so it
// measures the leader; the default budgets bound it by arithmetic over the measured request counts
// (the pacing is exact: docs/registry.md), which the output shows next to it. --default-budgets runs
// the product defaults instead (minutes for a few hundred repositories, by design).
//   node bench/ha-scale.ts                         (1,000 watches / 200 repositories / 100 clusters)
//   node bench/ha-scale.ts --full                  (10,000 / 2,000 / 1,000, baseline 1,000 / 200 / 100)
//   options: --watches N --repos N --clusters N --registries N --asks N --default-budgets
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import type { TestContext } from 'node:test';
import { request } from 'undici';
import { startSyntheticRegistry, type SyntheticRegistry } from './lib/synthetic-registry.ts';
import { startCluster, TOKEN, type Cluster } from '../test/ha/replicas.ts';
import { assemble, headFromData } from '../src/ha/state-codec.ts';
import { until } from '../test/helpers/until.ts';

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false }, watches: { type: 'string' }, repos: { type: 'string' }, clusters: { type: 'string' }, registries: { type: 'string', default: '1' }, asks: { type: 'string', default: '300' }, 'default-budgets': { type: 'boolean', default: false } } });
const scale = values.full ? 10 : 1;
const SIZE = { watches: Number(values.watches ?? 1000 * scale), repos: Number(values.repos ?? 200 * scale), clusters: Number(values.clusters ?? 100 * scale) };
const REGISTRIES = Number(values.registries);
const ASKS = Number(values.asks);
const RANGES = ['^1.0.0', '>=1.5.0', '<1.10.0', '~1.3.0', '>=1.0.0 <1.18.0'];
const TAGS = 20;
const DEFAULT_BUDGET = { rps: 10, perInterval: 1000, intervalSeconds: 300 };

interface Size {
  readonly watches: number;
  readonly repos: number;
  readonly clusters: number;
}

interface Figures {
  readonly cycleMs: number;
  readonly leaderCpuMs: number;
  readonly stateBytes: number;
  readonly shards: number;
  readonly rssLeaderMiB: number;
  readonly rssFollowerMiB: number;
  readonly getparamsMedianMs: number;
  readonly getparamsP99Ms: number;
  readonly answerBytes: number;
  readonly requests: number;
  readonly requestsPerRegistry: number;
}

function quantile(list: readonly number[], q: number): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** The service config of one size: repositories spread over the registries, five ranges per repository. */
function configOf(size: Size, registries: readonly SyntheticRegistry[]): Record<string, unknown> {
  const perRegistry = Math.ceil(size.repos / registries.length);
  const budget = values['default-budgets'] ? {} : { requestsPerSecond: 1000, requestBudget: 1_000_000 };
  // A short registry name (the URL says where it is) and compact JSON: 10,000 watches and 1,000 static
  // clusters are about 990 KB of config, just under the 1 MiB a config file (a ConfigMap) may hold.
  const hostOf = (k: number): string => `s${k}.test`;
  const imageOf = (repo: number): string => `${hostOf(Math.floor(repo / perRegistry))}/synth/r${repo % perRegistry}`;
  return {
    polling: { intervalSeconds: DEFAULT_BUDGET.intervalSeconds },
    registries: registries.map((r, k) => ({ host: hostOf(k), url: r.url, insecure: true, ...budget })),
    watches: Array.from({ length: size.watches }, (_, i) => ({ name: `w${i}`, image: imageOf(i % size.repos), policy: { semver: { range: RANGES[Math.floor(i / size.repos) % RANGES.length] } } })),
    clusters: { static: Array.from({ length: size.clusters }, (_, i) => ({ name: `c${i}`, server: `https://c${i}.example:6443`, labels: { environment: 'prod' } })) },
  };
}

/** The published state, read straight from the peer's ConfigMaps: its revision, size and scan times. */
function publishedState(cluster: Cluster): { revision: number; bytes: number; shards: number; scans: string[] } | undefined {
  const head = cluster.api.objects.get('configmaps', 'argocd', 'argocd-image-plugins-state');
  const parsed = head && headFromData(head.data);
  if (!head || !parsed) return undefined;
  const shardData = Array.from({ length: parsed.shards }, (_, i) => cluster.api.objects.get('configmaps', 'argocd', `argocd-image-plugins-state-${i}`)?.data);
  const text = assemble(parsed, shardData);
  if (text === undefined) return undefined;
  const bytesOf = (data: unknown): number => Object.entries((data ?? {}) as Record<string, string>).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  const bytes = bytesOf(head.data) + shardData.reduce<number>((n, d) => n + bytesOf(d), 0);
  return { revision: parsed.revision, bytes, shards: parsed.shards, scans: Object.values((JSON.parse(text) as { scans: Record<string, string> }).scans) };
}

async function procStatus(pid: number): Promise<{ rssMiB: number; cpuMs: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime) in clock ticks, 100 per second on Linux.
  return { rssMiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024, cpuMs: (Number(stat[11]) + Number(stat[12])) * 10 };
}

let lastRefusal = '';

async function getparams(url: string, images: readonly string[]): Promise<{ ms: number; bytes: number; revision: number }> {
  const started = performance.now();
  const res = await request(`${url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ applicationSetName: 'scale', input: { parameters: { images } } }) });
  const body = await res.body.text();
  if (res.statusCode !== 200) return ((lastRefusal = `${res.statusCode} ${body.slice(0, 300)}`), { ms: NaN, bytes: 0, revision: 0 });
  return { ms: performance.now() - started, bytes: Buffer.byteLength(body), revision: Number(res.headers['x-state-revision']) };
}

/** getparams on the follower, one after the other, once it serves `revision`. */
async function askFollower(url: string, revision: number, size: Size): Promise<{ times: number[]; bytes: number }> {
  // Five watches of five repositories (one ApplicationSet may not rewrite one repository two ways), every cluster.
  const images = Array.from({ length: Math.min(5, size.repos, size.watches) }, (_, i) => `w${i}`);
  const first = await until(async () => {
    const a = await getparams(url, ['w0']);
    return a.revision >= revision ? a : undefined;
  }, { what: () => `the follower serving the full state (last refusal: ${lastRefusal})`, deadlineMs: 120_000, everyMs: 500 });
  const times: number[] = [];
  let bytes = first.bytes;
  for (let i = 0; i < ASKS; i++) {
    const a = await getparams(url, images);
    times.push(a.ms);
    bytes = a.bytes;
  }
  if (times.some((ms) => Number.isNaN(ms))) process.stdout.write(`getparams refused: ${lastRefusal}\n`);
  return { times, bytes };
}

async function measure(size: Size): Promise<Figures> {
  const cleanups: Array<() => unknown> = [];
  const t = { after: (fn: () => unknown) => void cleanups.push(fn) } as unknown as TestContext;
  try {
    const perRegistry = Math.ceil(size.repos / REGISTRIES);
    const registries = await Promise.all(Array.from({ length: REGISTRIES }, () => startSyntheticRegistry({ repositories: perRegistry, tagsPerRepository: TAGS })));
    for (const r of registries) cleanups.push(() => r.stop());
    const cluster = await startCluster(t, registries[0]!, ['a', 'b'], { timing: { lease: 15, renew: 10, retry: 2 }, config: configOf(size, registries), compact: true });
    const leaderId = await until(() => cluster.leader() || undefined, { what: 'a leader', deadlineMs: 60_000, everyMs: 100 });
    const done = await until(() => {
      const s = publishedState(cluster);
      return s && s.scans.length >= size.repos ? s : undefined;
    }, { what: 'a state with every repository scanned', deadlineMs: 60 * 60_000, everyMs: 1000 });
    const times = done.scans.map((iso) => Date.parse(iso));
    const leaderProcess = cluster.replicas.find((r) => r.id === leaderId)!;
    const followerProcess = cluster.replicas.find((r) => r.id !== leaderId)!;
    const [leader, follower] = [leaderProcess.child.pid!, followerProcess.child.pid!];
    const cpu = await procStatus(leader!);
    const asked = await askFollower(followerProcess.url, done.revision, size).catch((err: unknown) => {
      throw new Error(`${String(err)}\nfollower's log:\n${followerProcess.lines.slice(-15).join('\n')}`);
    });
    const [l, f] = await Promise.all([procStatus(leader!), procStatus(follower!)]);
    const warnings = leaderProcess.lines.filter((l) => /"level":(40|50)/.test(l));
    if (warnings.length > 0) process.stdout.write(`leader warnings: ${warnings.length}, e.g. ${warnings.slice(0, 3).join('\n')}\n`);
    const requests = registries.reduce((n, r) => n + Object.values(r.requests).reduce((a, b) => a + b, 0), 0);
    return {
      cycleMs: Math.max(...times) - Math.min(...times),
      leaderCpuMs: cpu.cpuMs,
      stateBytes: done.bytes,
      shards: done.shards,
      rssLeaderMiB: l.rssMiB,
      rssFollowerMiB: f.rssMiB,
      getparamsMedianMs: quantile(asked.times, 0.5),
      getparamsP99Ms: quantile(asked.times, 0.99),
      answerBytes: asked.bytes,
      requests,
      requestsPerRegistry: Math.max(...registries.map((r) => Object.values(r.requests).reduce((a, b) => a + b, 0))),
    };
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

function report(base: Size, small: Figures, size: Size, big: Figures): void {
  const row = (name: string, a: number, b: number, unit: string, digits = 0): string => `| ${name} | ${a.toFixed(digits)} ${unit} | ${b.toFixed(digits)} ${unit} | ${(b / a).toFixed(2)}× |`;
  const sizeText = (s: Size): string => `${s.watches} watches / ${s.repos} repos / ${s.clusters} clusters`;
  const lines = [
    `| figure | ${sizeText(base)} | ${sizeText(size)} | ratio |`,
    '| --- | --- | --- | --- |',
    row(`leader's first cycle (every repository cold${values['default-budgets'] ? ', default budgets' : ', budgets lifted'})`, small.cycleMs, big.cycleMs, 'ms'),
    row('leader CPU time until then (start-up included)', small.leaderCpuMs, big.leaderCpuMs, 'ms'),
    row('registry requests in that cycle', small.requests, big.requests, ''),
    row('state in the API (head + shard ConfigMaps data)', small.stateBytes / 1024, big.stateBytes / 1024, 'KiB'),
    row('shard ConfigMaps', small.shards, big.shards, ''),
    row('RSS leader', small.rssLeaderMiB, big.rssLeaderMiB, 'MiB'),
    row('RSS follower', small.rssFollowerMiB, big.rssFollowerMiB, 'MiB'),
    row(`getparams on the follower, median (${ASKS} asks, 5 watches × every cluster)`, small.getparamsMedianMs, big.getparamsMedianMs, 'ms', 1),
    row('getparams on the follower, p99', small.getparamsP99Ms, big.getparamsP99Ms, 'ms', 1),
    row('getparams answer', small.answerBytes / 1024, big.answerBytes / 1024, 'KiB'),
  ];
  process.stdout.write(`\n${lines.join('\n')}\nmachine load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  // The default budgets, applied to the requests measured: pacing and the per-interval budget are exact.
  const coldPerRegistry = big.requestsPerRegistry;
  const steadyPerRegistry = Math.ceil(size.repos / REGISTRIES);
  const { rps, perInterval, intervalSeconds } = DEFAULT_BUDGET;
  const seconds = (n: number): number => Math.max(n / rps, Math.ceil(n / perInterval - 1) * intervalSeconds);
  process.stdout.write(`\nunder the default budgets (${rps} requests/s and ${perInterval} requests per ${intervalSeconds} s interval, per registry; ${REGISTRIES} registr${REGISTRIES === 1 ? 'y' : 'ies'}):\n`);
  process.stdout.write(`  cold cycle: ${coldPerRegistry} requests per registry → at least ${seconds(coldPerRegistry).toFixed(0)} s\n`);
  process.stdout.write(`  steady cycle (one tags list per repository): ${steadyPerRegistry} requests per registry → ${seconds(steadyPerRegistry).toFixed(0)} s; ${steadyPerRegistry <= perInterval && steadyPerRegistry / rps <= intervalSeconds ? 'fits the interval' : `does not fit the ${intervalSeconds} s interval: requestBudget ≥ ${steadyPerRegistry} and requestsPerSecond ≥ ${(steadyPerRegistry / intervalSeconds).toFixed(1)} per registry make it fit`}\n`);
}

const base: Size = { watches: Math.max(1, Math.round(SIZE.watches / 10)), repos: Math.max(1, Math.round(SIZE.repos / 10)), clusters: Math.max(1, Math.round(SIZE.clusters / 10)) };
process.stdout.write(`baseline: ${JSON.stringify(base)}\n`);
const small = await measure(base);
process.stdout.write(`${JSON.stringify(small)}\nsize: ${JSON.stringify(SIZE)}\n`);
const big = await measure(SIZE);
process.stdout.write(`${JSON.stringify(big)}\n`);
report(base, small, SIZE, big);
