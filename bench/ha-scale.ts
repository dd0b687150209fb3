// Several replicas at scale: two real `serve --ha` processes (a leader and a follower, the production
// Lease timings 15/10/2 s) against the loopback Kubernetes API peer and synthetic loopback registries
// (bench/lib/synthetic-registry.ts: the OCI distribution read API, content made up on the fly, in a
// child process of their own). A config of W watches over R repositories (five semver ranges per
// repository) and C clusters in one environment. Measured, for the full size and for a baseline a
// tenth of it in the same run:
//   - the leader's first cycle (every repository scanned cold: tags, manifest HEAD and GET, config),
//     from the first to the last scan time in the published state, and the leader's CPU time;
//   - the publishes it took (head writes in the API peer's write log);
//   - the state in the API (bytes of the head and shard ConfigMaps' data, shard count);
//   - RSS of the leader and the follower once the follower serves the state (and their peaks);
//   - getparams on the follower (five watches, every cluster), sequential: median, p99;
//   - registry requests of the cycle, and what the default budgets (requestBudget 1000 per registry
//     per interval, requestsPerSecond 10) make of them;
//   - with --steady, the next cycle: every repository scanned again, the longest time between a
//     repository's two scans (the freshness: at most the interval plus its 10 % jitter when the
//     leader keeps up), and the leader's CPU and publishes over it.
// By default the budgets are lifted (requestsPerSecond 1000, requestBudget 1 000 000) so the cycle
// measures the leader; --default-budgets runs the product defaults (each registry its own budget).
// The benchmark reads the published state at most every 5 s and only when the head's revision moved,
// and compacts the API peer's event history every 60 s (an API server compacts etcd every 5 min), so
// neither its own reading nor the peer's memory slows what it measures.
//   node bench/ha-scale.ts                         (1,000 watches / 200 repositories / 100 clusters)
//   node bench/ha-scale.ts --full                  (10,000 / 2,000 / 1,000, baseline 1,000 / 200 / 100)
//   options: --watches N --repos N --clusters N --registries N --asks N --default-budgets --steady
//            --skip-baseline --profile DIR (the replicas' --cpu-prof, written when they stop)
//            --logs DIR (the replicas' logs, written every 10 s)
//            --interval S (polling.intervalSeconds, default 300) --request-budget N (per registry, 10 requests/s)
import { parseArgs } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import type { TestContext } from 'node:test';
import { request } from 'undici';
import { startSyntheticRegistriesProcess } from './lib/synthetic-registry.ts';
import { createScanGaps } from './lib/scan-gaps.ts';
import { startCluster, TOKEN, type Cluster, type ReplicaProcess } from '../test/ha/replicas.ts';
import { assemble, headFromData } from '../src/ha/state-codec.ts';
import { until } from '../test/helpers/until.ts';

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false }, watches: { type: 'string' }, repos: { type: 'string' }, clusters: { type: 'string' }, registries: { type: 'string', default: '1' }, asks: { type: 'string', default: '300' }, 'default-budgets': { type: 'boolean', default: false }, steady: { type: 'boolean', default: false }, 'skip-baseline': { type: 'boolean', default: false }, profile: { type: 'string' }, logs: { type: 'string' }, interval: { type: 'string' }, 'request-budget': { type: 'string' } } });
const scale = values.full ? 10 : 1;
const SIZE = { watches: Number(values.watches ?? 1000 * scale), repos: Number(values.repos ?? 200 * scale), clusters: Number(values.clusters ?? 100 * scale) };
const REGISTRIES = Number(values.registries);
const ASKS = Number(values.asks);
const RANGES = ['^1.0.0', '>=1.5.0', '<1.10.0', '~1.3.0', '>=1.0.0 <1.18.0'];
const TAGS = 20;
const DEFAULT_BUDGET = { rps: 10, perInterval: 1000, intervalSeconds: 300 };
const HEAD = 'argocd-image-plugins-state';

interface Size {
  readonly watches: number;
  readonly repos: number;
  readonly clusters: number;
}

interface Steady {
  /** From the end of the first cycle to the last repository scanned again. */
  readonly cycleMs: number;
  /** The longest time between a repository's scan in the first cycle and its next. */
  readonly longestGapMs: number;
  /** Repositories scanned a second time before the last one was scanned again (their requests count in the cycle's). */
  readonly scannedAgain: number;
  readonly leaderCpuMs: number;
  readonly publishes: number;
  readonly requests: number;
}

interface Figures {
  readonly cycleMs: number;
  readonly leaderCpuMs: number;
  readonly followerCpuMs: number;
  readonly publishes: number;
  readonly stateBytes: number;
  readonly shards: number;
  readonly rssLeaderMiB: number;
  readonly rssFollowerMiB: number;
  readonly peakLeaderMiB: number;
  readonly peakFollowerMiB: number;
  readonly getparamsMedianMs: number;
  readonly getparamsP99Ms: number;
  readonly answerBytes: number;
  readonly requests: number;
  readonly requestsPerRegistry: number;
  readonly steady?: Steady;
}

function quantile(list: readonly number[], q: number): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** The service config of one size: repositories spread over the registries, five ranges per repository. */
function configOf(size: Size, urls: readonly string[]): Record<string, unknown> {
  const perRegistry = Math.ceil(size.repos / urls.length);
  // --request-budget: that budget per registry at the default 10 requests/s (a small run where the budget binds as at full size).
  const budget = values['request-budget'] ? { requestBudget: Number(values['request-budget']) } : values['default-budgets'] ? {} : { requestsPerSecond: 1000, requestBudget: 1_000_000 };
  // A short registry name (the URL says where it is) and compact JSON: 10,000 watches and 1,000 static
  // clusters are about 990 KB of config, just under the 1 MiB a config file (a ConfigMap) may hold.
  const hostOf = (k: number): string => `s${k}.test`;
  const imageOf = (repo: number): string => `${hostOf(Math.floor(repo / perRegistry))}/synth/r${repo % perRegistry}`;
  return {
    polling: { intervalSeconds: Number(values.interval ?? DEFAULT_BUDGET.intervalSeconds) },
    registries: urls.map((url, k) => ({ host: hostOf(k), url, insecure: true, ...budget })),
    watches: Array.from({ length: size.watches }, (_, i) => ({ name: `w${i}`, image: imageOf(i % size.repos), policy: { semver: { range: RANGES[Math.floor(i / size.repos) % RANGES.length] } } })),
    clusters: { static: Array.from({ length: size.clusters }, (_, i) => ({ name: `c${i}`, server: `https://c${i}.example:6443`, labels: { environment: 'prod' } })) },
  };
}

interface Published {
  readonly revision: number;
  readonly bytes: number;
  readonly shards: number;
  /** Last successful scan per repository (image), ms. */
  readonly scans: ReadonlyMap<string, number>;
}

/** The published state, read straight from the peer's ConfigMaps: its revision, size and scan times. */
function publishedState(cluster: Cluster): Published | undefined {
  const head = cluster.api.objects.get('configmaps', 'argocd', HEAD);
  const parsed = head && headFromData(head.data);
  if (!head || !parsed) return undefined;
  const shardData = Array.from({ length: parsed.shards }, (_, i) => cluster.api.objects.get('configmaps', 'argocd', `${HEAD}-${i}`)?.data);
  const text = assemble(parsed, shardData);
  if (text === undefined) return undefined;
  const bytesOf = (data: unknown): number => Object.entries((data ?? {}) as Record<string, string>).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  const bytes = bytesOf(head.data) + shardData.reduce<number>((n, d) => n + bytesOf(d), 0);
  const scans = new Map(Object.entries((JSON.parse(text) as { scans: Record<string, string> }).scans).map(([image, iso]) => [image, Date.parse(iso)]));
  return { revision: parsed.revision, bytes, shards: parsed.shards, scans };
}

/** The head's revision alone (cheap: no shard is read). */
function headRevision(cluster: Cluster): number {
  const head = cluster.api.objects.get('configmaps', 'argocd', HEAD);
  return (head && headFromData(head.data)?.revision) ?? 0;
}

/**
 * Waits for a published state that `done` accepts, reading the state only when the head's revision
 * moved and at most every 5 s; prints progress every 30 s.
 */
async function waitForState(cluster: Cluster, leader: ReplicaProcess, what: string, done: (s: Published) => boolean): Promise<Published> {
  let last: Published | undefined;
  let readAt = 0;
  let saidAt = performance.now();
  return until(async () => {
    const revision = headRevision(cluster);
    if (revision !== (last?.revision ?? 0) && performance.now() - readAt >= 5000) {
      readAt = performance.now();
      last = publishedState(cluster) ?? last;
    }
    if (performance.now() - saidAt >= 30_000) {
      saidAt = performance.now();
      const cpu = await procStatus(leader.child.pid!).catch(() => undefined);
      process.stdout.write(`  ${new Date().toISOString()} ${what}: revision ${last?.revision ?? 0}, ${last?.scans.size ?? 0} repositories with a scan, leader CPU ${((cpu?.cpuMs ?? 0) / 1000).toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)}\n`);
    }
    return last && done(last) ? last : undefined;
  }, { what, deadlineMs: 90 * 60_000, everyMs: 1000 });
}

async function procStatus(pid: number): Promise<{ rssMiB: number; peakMiB: number; cpuMs: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]) / 1024;
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime) in clock ticks, 100 per second on Linux.
  return { rssMiB: kib('VmRSS'), peakMiB: kib('VmHWM'), cpuMs: (Number(stat[11]) + Number(stat[12])) * 10 };
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

/** Head writes (publishes) the API peer answered since `from` (performance.now()). */
function publishesSince(cluster: Cluster, from: number): number {
  return cluster.api.writes.filter((w) => w.name === HEAD && w.at >= from && w.code < 300).length;
}

const total = (counts: ReadonlyArray<Record<string, number>>): number => counts.reduce((n, r) => n + Object.values(r).reduce((a, b) => a + b, 0), 0);

/** The next cycle after `cold`: every repository scanned again; the longest gap between its two scans. */
async function steadyCycle(cluster: Cluster, leader: ReplicaProcess, cold: Published, requests: () => Promise<number>): Promise<Steady> {
  const coldEnd = Math.max(...cold.scans.values());
  const [cpu, sent, from] = [await procStatus(leader.child.pid!), await requests(), performance.now()];
  // The next scan, not the latest: the final state holds second rescans of repositories rescanned right after the cold cycle.
  const gaps = createScanGaps(cold.scans);
  const next = await waitForState(cluster, leader, 'the next cycle', (s) => gaps.see(s.scans));
  const after = await procStatus(leader.child.pid!);
  return { cycleMs: Math.max(...next.scans.values()) - coldEnd, longestGapMs: gaps.longestGapMs(), scannedAgain: gaps.scannedAgain(), leaderCpuMs: after.cpuMs - cpu.cpuMs, publishes: publishesSince(cluster, from), requests: (await requests()) - sent };
}

async function measure(size: Size): Promise<Figures> {
  const cleanups: Array<() => unknown> = [];
  const t = { after: (fn: () => unknown) => void cleanups.push(fn) } as unknown as TestContext;
  try {
    const registries = await startSyntheticRegistriesProcess(REGISTRIES, { repositories: Math.ceil(size.repos / REGISTRIES), tagsPerRepository: TAGS });
    cleanups.push(() => registries.stop());
    const requests = async (): Promise<number> => total(await registries.requests());
    const nodeArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : [];
    const cluster = await startCluster(t, { host: 's0.test', url: registries.urls[0]! }, ['a', 'b'], { timing: { lease: 15, renew: 10, retry: 2 }, config: configOf(size, registries.urls), compact: true, nodeArgs });
    const compaction = setInterval(() => cluster.api.objects.compact(), 60_000);
    cleanups.push(() => clearInterval(compaction));
    const logs = values.logs;
    if (logs) {
      const dump = (): Promise<unknown> => Promise.all(cluster.replicas.map((r) => writeFile(`${logs}/${size.repos}-${r.id}.log`, `${r.lines.join('\n')}\n`)));
      const dumping = setInterval(() => void dump(), 10_000);
      cleanups.push(() => (clearInterval(dumping), dump()));
    }
    if (values.profile) cleanups.push(() => Promise.all(cluster.replicas.map((r) => (r.child.kill('SIGTERM'), r.child))));
    const started = performance.now();
    const leaderId = await until(() => cluster.leader() || undefined, { what: 'a leader', deadlineMs: 60_000, everyMs: 100 });
    const leaderProcess = cluster.replicas.find((r) => r.id === leaderId)!;
    const followerProcess = cluster.replicas.find((r) => r.id !== leaderId)!;
    const done = await waitForState(cluster, leaderProcess, 'the first cycle', (s) => s.scans.size >= size.repos);
    const times = [...done.scans.values()];
    const [leader, follower] = [leaderProcess.child.pid!, followerProcess.child.pid!];
    const [cpu, followerCpu, publishes, coldRequests] = [await procStatus(leader), await procStatus(follower), publishesSince(cluster, started), await registries.requests()];
    process.stdout.write(`  first cycle: ${JSON.stringify({ cycleMs: Math.max(...times) - Math.min(...times), leaderCpuMs: cpu.cpuMs, followerCpuMs: followerCpu.cpuMs, publishes, stateBytes: done.bytes, shards: done.shards, requests: total(coldRequests) })}\n`);
    const steady = values.steady ? await steadyCycle(cluster, leaderProcess, done, requests).catch((err: unknown) => void process.stdout.write(`next cycle not measured: ${String(err)}\n`)) : undefined;
    if (steady) process.stdout.write(`  next cycle: ${JSON.stringify(steady)}\n`);
    const asked = await askFollower(followerProcess.url, done.revision, size).catch((err: unknown) => {
      throw new Error(`${String(err)}\nfollower's log:\n${followerProcess.lines.slice(-15).join('\n')}`);
    });
    const [l, f] = await Promise.all([procStatus(leader), procStatus(follower)]);
    const warnings = leaderProcess.lines.filter((line) => /"level":(40|50)/.test(line) && !/scan deferred/.test(line));
    if (warnings.length > 0) process.stdout.write(`leader warnings: ${warnings.length}, e.g. ${warnings.slice(0, 3).join('\n')}\n`);
    return {
      cycleMs: Math.max(...times) - Math.min(...times),
      leaderCpuMs: cpu.cpuMs,
      followerCpuMs: followerCpu.cpuMs,
      publishes,
      stateBytes: done.bytes,
      shards: done.shards,
      rssLeaderMiB: l.rssMiB,
      rssFollowerMiB: f.rssMiB,
      peakLeaderMiB: l.peakMiB,
      peakFollowerMiB: f.peakMiB,
      getparamsMedianMs: quantile(asked.times, 0.5),
      getparamsP99Ms: quantile(asked.times, 0.99),
      answerBytes: asked.bytes,
      requests: total(coldRequests),
      requestsPerRegistry: Math.max(...coldRequests.map((r) => total([r]))),
      ...(steady && { steady }),
    };
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

function report(base: Size, small: Figures | undefined, size: Size, big: Figures): void {
  const row = (name: string, pick: (f: Figures) => number | undefined, unit: string, digits = 0): string => {
    const [a, b] = [small && pick(small), pick(big)];
    const text = (v: number | undefined): string => (v === undefined ? '–' : `${v.toFixed(digits)} ${unit}`);
    return `| ${name} | ${text(a)} | ${text(b)} | ${a && b !== undefined ? `${(b / a).toFixed(2)}×` : '–'} |`;
  };
  const sizeText = (s: Size): string => `${s.watches} watches / ${s.repos} repos / ${s.clusters} clusters`;
  const lines = [
    `| figure | ${sizeText(base)} | ${sizeText(size)} | ratio |`,
    '| --- | --- | --- | --- |',
    row(`leader's first cycle (every repository cold${values['default-budgets'] ? ', default budgets' : values['request-budget'] ? `, requestBudget ${values['request-budget']}` : ', budgets lifted'})`, (f) => f.cycleMs / 1000, 's', 1),
    row('leader CPU time until then (start-up included)', (f) => f.leaderCpuMs / 1000, 's', 1),
    row('follower CPU time until then', (f) => f.followerCpuMs / 1000, 's', 1),
    row('publishes until then (head writes)', (f) => f.publishes, ''),
    row('registry requests in that cycle', (f) => f.requests, ''),
    row('next cycle: every repository scanned again, after the first cycle ended', (f) => f.steady && f.steady.cycleMs / 1000, 's', 1),
    row(`next cycle: longest time between a repository's two scans (interval ${values.interval ?? DEFAULT_BUDGET.intervalSeconds} s + 10 % jitter)`, (f) => f.steady && f.steady.longestGapMs / 1000, 's', 1),
    row('  … repositories scanned twice before the last was scanned again', (f) => f.steady?.scannedAgain, ''),
    row('next cycle: leader CPU', (f) => f.steady && f.steady.leaderCpuMs / 1000, 's', 1),
    row('  … publishes', (f) => f.steady?.publishes, ''),
    row('  … registry requests', (f) => f.steady?.requests, ''),
    row('state in the API (head + shard ConfigMaps data)', (f) => f.stateBytes / 1024, 'KiB'),
    row('shard ConfigMaps', (f) => f.shards, ''),
    row('RSS leader', (f) => f.rssLeaderMiB, 'MiB'),
    row('  … peak', (f) => f.peakLeaderMiB, 'MiB'),
    row('RSS follower', (f) => f.rssFollowerMiB, 'MiB'),
    row('  … peak', (f) => f.peakFollowerMiB, 'MiB'),
    row(`getparams on the follower, median (${ASKS} asks, 5 watches × every cluster)`, (f) => f.getparamsMedianMs, 'ms', 1),
    row('getparams on the follower, p99', (f) => f.getparamsP99Ms, 'ms', 1),
    row('getparams answer', (f) => f.answerBytes / 1024, 'KiB'),
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
process.stdout.write(`load average at the start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
let small: Figures | undefined;
if (!values['skip-baseline']) {
  process.stdout.write(`baseline: ${JSON.stringify(base)}\n`);
  small = await measure(base);
  process.stdout.write(`${JSON.stringify(small)}\n`);
}
process.stdout.write(`size: ${JSON.stringify(SIZE)}\n`);
const big = await measure(SIZE);
process.stdout.write(`${JSON.stringify(big)}\n`);
report(base, small, SIZE, big);
