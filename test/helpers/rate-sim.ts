// A day of polling in seconds: the real poller, registry client and usage book against the real
// registry behind a Docker Hub-style limiting proxy (limiting-proxy.ts), all on virtual time
// (virtual-time.ts). Some watches are used (a cluster's ApplicationSet asks for them every 30
// minutes, Argo CD's default requeue), the rest are not. Measures the 429s the proxy sent and how
// old each watch's answer got, in poll intervals.
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/config/parse.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { createPoller } from '../../src/poller/poller.ts';
import { createUsageBook } from '../../src/poller/usage.ts';
import type { ScanReport } from '../../src/poller/scan.ts';
import type { RegistryClient } from '../../src/registry/types.ts';
import { createLogger } from '../../src/shared/log.ts';
import { startLimitingProxy } from './limiting-proxy.ts';
import { virtualTime } from './virtual-time.ts';
import { pushImage } from './images.ts';
import type { TestRegistry } from './registry.ts';

const silent = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const T0 = Date.UTC(2026, 10, 30);
/** Argo CD's ApplicationSet controller asks a plugin generator again every 30 minutes by default. */
const REQUEUE_MS = 1800_000;

export interface SimOptions {
  readonly used: number;
  readonly unused: number;
  readonly intervalSeconds: number;
  readonly hours: number;
  /** The registry's limit: requests per rolling window, per credential. */
  readonly limit: number;
  readonly windowSeconds: number;
  /** `registries[].rateLimit` of the entry, if any. */
  readonly rateLimit?: { readonly requests: number; readonly windowSeconds: number };
  /** false: no usage book (every watch counts as used; the baseline). */
  readonly usage?: boolean;
  readonly jitter?: number;
  readonly seed?: number;
}

export interface SimFigures {
  /** Requests the registry answered (forwarded by the proxy) and refusals (429). */
  readonly requests: number;
  readonly refused: number;
  /** Oldest answer of any used / unused watch over the run, in intervals (from service start). */
  readonly usedWorst: number;
  readonly unusedWorst: number;
  /** As usedWorst, after the cold start: from the moment every used watch had its first answer. */
  readonly usedWorstWarm: number;
  /** When every used watch had its first answer, in intervals (Infinity: never). */
  readonly usedWarmAt: number;
  /** Successful scans of each used and unused watch, on average. */
  readonly usedScans: number;
  readonly unusedScans: number;
}

/** Repositories `sim/r0`… each with one distinct image tagged 1.0.0 (a cold scan costs 4 requests). */
export async function fillRegistry(registry: TestRegistry, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await pushImage(registry, `sim/r${i}`, '1.0.0', { created: '2026-01-01T00:00:00Z', label: `sim${i}` });
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Counts the client calls in progress (each one chain of work: it is settled when it sleeps). */
function tracked(inProgress: { n: number }): (client: RegistryClient) => RegistryClient {
  const made = new WeakMap<RegistryClient, RegistryClient>();
  const track = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    inProgress.n += 1;
    try {
      return await fn(...args);
    } finally {
      inProgress.n -= 1;
    }
  };
  return (client) => {
    let out = made.get(client);
    if (!out) made.set(client, (out = { ...client, listTags: track(client.listTags), headManifest: track(client.headManifest), describeImage: track(client.describeImage) }));
    return out;
  };
}

function simConfig(o: SimOptions, proxy: { host: string; url: string }) {
  const watches = Array.from({ length: o.used + o.unused }, (_, i) => ({ name: i < o.used ? `used${i}` : `idle${i - o.used}`, image: `${proxy.host}/sim/r${i}`, policy: { semver: { range: '^1' } } }));
  const parsed = parseConfig({
    polling: { intervalSeconds: o.intervalSeconds, jitter: o.jitter ?? 0.1 },
    registries: [{ host: proxy.host, url: proxy.url, insecure: true, ...(o.rateLimit && { rateLimit: o.rateLimit }) }],
    watches,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues.slice(0, 3)));
  return parsed.config;
}

/** Per watch: when its answer was last fresh, the oldest it got, and the same counted after its first answer. */
function ageBook(names: readonly string[], warm: readonly string[], start: number) {
  const fresh = new Map(names.map((n) => [n, start]));
  const first = new Map<string, number>();
  const worst = new Map(names.map((n) => [n, 0]));
  const worstWarm = new Map(names.map((n) => [n, 0]));
  const scans = new Map(names.map((n) => [n, 0]));
  // after the cold start (every watch of `warm` answered once), ages count from then at the earliest
  let warmAt = Number.POSITIVE_INFINITY;
  const age = (name: string, now: number): void => {
    worst.set(name, Math.max(worst.get(name)!, now - fresh.get(name)!));
    if (now > warmAt) worstWarm.set(name, Math.max(worstWarm.get(name)!, now - Math.max(fresh.get(name)!, warmAt)));
  };
  return {
    scanned(report: ScanReport, now: number): void {
      for (const t of report.targets) {
        if (t.error || t.deferred || !t.resolution) continue;
        age(t.watch, now);
        fresh.set(t.watch, now);
        if (!first.has(t.watch)) first.set(t.watch, now);
        if (warmAt === Number.POSITIVE_INFINITY && warm.every((n) => first.has(n))) warmAt = now;
        scans.set(t.watch, scans.get(t.watch)! + 1);
      }
    },
    end(now: number): void {
      for (const n of names) age(n, now);
    },
    worst: (pick: readonly string[], warm = false) => Math.max(0, ...pick.map((n) => (warm ? worstWarm : worst).get(n)!)),
    firstAll: (pick: readonly string[]) => Math.max(start, ...pick.map((n) => first.get(n) ?? Number.POSITIVE_INFINITY)),
    scans: (pick: readonly string[]) => (pick.length === 0 ? 0 : pick.reduce((s, n) => s + scans.get(n)!, 0) / pick.length),
  };
}

export async function simulate(registry: TestRegistry, o: SimOptions): Promise<SimFigures> {
  const vt = virtualTime(T0);
  const proxy = await startLimitingProxy({ target: registry.url, clock: vt, limit: o.limit, windowSeconds: o.windowSeconds });
  const config = simConfig(o, proxy);
  const names = config.watches.map((w) => w.name);
  const used = names.filter((n) => n.startsWith('used'));
  const idle = names.filter((n) => n.startsWith('idle'));
  const book = ageBook(names, used, T0);
  const usage = o.usage === false ? undefined : createUsageBook(vt);
  const clusters = (): void => {
    usage?.touch(used);
    vt.set(clusters, REQUEUE_MS);
  };
  clusters();
  const inProgress = { n: 0 };
  const wrap = tracked(inProgress);
  const pool = createClientPool(config, { logger: silent, clock: vt, sleep: vt.sleep });
  const poller = createPoller({
    config, clientFor: (h) => wrap(pool.clientFor(h)), cache: createResolutionCache(), metadata: createMetadataStore(), clock: vt, logger: silent,
    random: seeded(o.seed ?? 1), timers: vt, ...(usage && { usage }), onScan: (report) => book.scanned(report, vt.now()),
  });
  const end = T0 + o.hours * 3600_000;
  try {
    poller.start();
    await vt.runUntil(end, () => proxy.inFlight === 0 && inProgress.n === vt.sleepers);
  } finally {
    await poller.stop();
    await pool.close();
    await proxy.stop();
  }
  book.end(end);
  const intervals = (ms: number): number => ms / (o.intervalSeconds * 1000);
  return {
    requests: proxy.forwarded.length,
    refused: proxy.refused.length,
    usedWorst: intervals(book.worst(used)),
    unusedWorst: intervals(book.worst(idle)),
    usedWorstWarm: intervals(book.worst(used, true)),
    usedWarmAt: intervals(book.firstAll(used) - T0),
    usedScans: book.scans(used),
    unusedScans: book.scans(idle),
  };
}
