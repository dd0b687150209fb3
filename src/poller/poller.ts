// The registry poller: one scan per repository per interval, shared by every watch, environment
// and cluster that reads it; bounded concurrency; jitter; quick retries after failures; an
// immediate re-scan for webhooks; prompt, clean shutdown.
import type { Config } from '../config/types.ts';
import type { Logger } from '../shared/log.ts';
import type { Clock } from '../shared/clock.ts';
import type { ResolutionCache } from '../cache/store.ts';
import type { MetadataStore } from '../cache/metadata.ts';
import type { RegistryClient } from '../registry/types.ts';
import type { PollerHandle, RescanResult } from './types.ts';
import { planRepositories, targetKeys, type RepositoryPlan } from './plan.ts';
import { nextRunAt, type RepositoryState } from './schedule.ts';
import { scanRepository, type ScanReport } from './scan.ts';

export interface PollerDeps {
  readonly config: Config;
  /** The client for a registry host (one per host, made by the caller). */
  readonly clientFor: (registry: string) => RegistryClient;
  readonly cache: ResolutionCache;
  readonly metadata: MetadataStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random?: () => number;
  /** Last completed scan per image, restored from the snapshot: fresh repositories wait their turn. */
  readonly restoredScans?: Readonly<Record<string, string>>;
  /** Called after every scan (persist the snapshot, update metrics). */
  readonly onScan?: (report: ScanReport, durationMs: number) => void;
  /** Scans running at once across all registries (each registry also bounds its own). */
  readonly concurrency?: number;
  /**
   * Scans running at once against one registry. A failing registry's scans hold their slots through
   * their retries; this keeps them from taking every slot and delaying healthy registries.
   */
  readonly perRegistry?: number;
}

export interface Poller extends PollerHandle {
  /** Swaps in a new config: new repositories are scanned at once, removed watches are dropped. */
  updateConfig(config: Config): void;
  /** Scans every repository now and resolves when all are done. */
  scanAll(): Promise<ScanReport[]>;
  /** Last completed scan per image (for the snapshot). */
  scanTimes(): Record<string, string>;
}

interface RepoSlot {
  plan: RepositoryPlan;
  state: RepositoryState;
  due: number;
  running?: Promise<ScanReport>;
  /** A re-scan asked for while one was running: run again right after. */
  again?: boolean;
}

export function createPoller(deps: PollerDeps): Poller {
  const random = deps.random ?? Math.random;
  const log = deps.logger.child({ module: 'poller' });
  const limit = Math.max(1, deps.concurrency ?? 16);
  const perRegistry = Math.max(1, Math.min(limit, deps.perRegistry ?? 4));
  let config = deps.config;
  let slots = new Map<string, RepoSlot>();
  let timer: NodeJS.Timeout | undefined;
  let budgetTimer: NodeJS.Timeout | undefined;
  let stopped = true;
  let active = 0;
  /** When the registries' request budgets were last reset (the poller's budget window). */
  let budgetWindowStart = deps.clock.now();
  const abort = new AbortController();
  const settings = () => ({ intervalMs: config.polling.intervalSeconds * 1000, jitter: config.polling.jitter, maxBackoffMs: config.polling.maxBackoffSeconds * 1000 });

  function rebuild(): void {
    const next = new Map<string, RepoSlot>();
    for (const plan of planRepositories(config)) {
      const old = slots.get(plan.image);
      if (old) {
        old.plan = plan;
        next.set(plan.image, old);
        continue;
      }
      const restored = deps.restoredScans?.[plan.image];
      const state: RepositoryState = restored ? { lastScanAt: Date.parse(restored), consecutiveFailures: 0 } : { consecutiveFailures: 0 };
      const known = plan.targets.every((t) => deps.cache.latest(t.watch.name, t.environment)?.lastCheckedAt !== undefined);
      const s: RepositoryState = known ? state : { consecutiveFailures: 0 };
      next.set(plan.image, { plan, state: s, due: nextRunAt(s, settings(), deps.clock.now(), random) });
    }
    slots = next;
    deps.cache.retain(targetKeys([...slots.values()].map((s) => s.plan)));
  }

  async function runScan(slot: RepoSlot): Promise<ScanReport> {
    const started = deps.clock.now();
    const client = deps.clientFor(slot.plan.registry);
    const report = await scanRepository({ client, cache: deps.cache, metadata: deps.metadata, clock: deps.clock, logger: log, signal: abort.signal }, slot.plan);
    const finished = deps.clock.now();
    if (report.deferred) {
      // Waits for the next budget window; neither a failure nor a completed scan.
      slot.due = Math.max(finished, budgetWindowStart + settings().intervalMs) + random() * 100;
      log.info({ image: slot.plan.image }, 'scan deferred: the registry request budget for this cycle is spent');
      deps.onScan?.(report, finished - started);
      return report;
    }
    if (report.error) {
      const retry = report.error.retryAfterMs;
      slot.state = { lastScanAt: finished, consecutiveFailures: slot.state.consecutiveFailures + 1, ...(retry !== undefined && { retryAfterMs: retry }) };
      log.warn({ image: slot.plan.image, err: { code: report.error.code, message: report.error.message }, failures: slot.state.consecutiveFailures }, 'repository scan failed; serving last good resolutions');
    } else {
      slot.state = { lastScanAt: finished, consecutiveFailures: 0 };
      const moved = report.targets.filter((t) => t.moved);
      if (moved.length > 0) log.info({ image: slot.plan.image, changed: moved.map((t) => ({ watch: t.watch, environment: t.environment, tag: t.resolution?.tag })) }, 'resolution changed');
    }
    slot.due = nextRunAt(slot.state, settings(), finished, random);
    deps.onScan?.(report, finished - started);
    return report;
  }

  function start(slot: RepoSlot): Promise<ScanReport> {
    if (slot.running) {
      slot.again = true;
      const running = slot.running;
      return running.then(() => slot.running ?? running);
    }
    active += 1;
    const p = runScan(slot).finally(() => {
      active -= 1;
      slot.running = undefined;
      if (slot.again && !stopped) {
        slot.again = false;
        void start(slot);
      }
      schedule();
    });
    slot.running = p;
    return p;
  }

  function tick(): void {
    timer = undefined;
    if (stopped) return;
    const now = deps.clock.now();
    const due = [...slots.values()].filter((s) => !s.running && s.due <= now).sort((a, b) => a.due - b.due);
    const busy = runningPerRegistry();
    for (const slot of due) {
      if (active >= limit) break;
      const registry = slot.plan.registry;
      if ((busy.get(registry) ?? 0) >= perRegistry) continue;
      busy.set(registry, (busy.get(registry) ?? 0) + 1);
      void start(slot).catch((err: unknown) => log.error({ err, image: slot.plan.image }, 'scan crashed'));
    }
    schedule();
  }

  function runningPerRegistry(): Map<string, number> {
    const busy = new Map<string, number>();
    for (const s of slots.values()) if (s.running) busy.set(s.plan.registry, (busy.get(s.plan.registry) ?? 0) + 1);
    return busy;
  }

  function schedule(): void {
    if (stopped || timer) return;
    // A slot whose registry is saturated waits for a scan there to finish (which calls schedule again).
    const busy = runningPerRegistry();
    const waiting = [...slots.values()].filter((s) => !s.running && (busy.get(s.plan.registry) ?? 0) < perRegistry);
    if (waiting.length === 0) return;
    const next = Math.min(...waiting.map((s) => s.due));
    const delay = active >= limit ? Math.max(50, next - deps.clock.now()) : Math.max(0, next - deps.clock.now());
    timer = setTimeout(tick, Math.min(delay, 2 ** 31 - 1));
    timer.unref();
  }

  rebuild();

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      budgetWindowStart = deps.clock.now();
      budgetTimer = setInterval(() => {
        budgetWindowStart = deps.clock.now();
        for (const reg of new Set([...slots.values()].map((s) => s.plan.registry))) deps.clientFor(reg).resetBudget();
      }, settings().intervalMs);
      budgetTimer.unref();
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (budgetTimer) clearInterval(budgetTimer);
      abort.abort();
      await Promise.allSettled([...slots.values()].map((s) => s.running));
    },
    async rescan(image: string, reason: string, options: { readonly tags?: readonly string[] } = {}): Promise<RescanResult | undefined> {
      const slot = slots.get(image);
      if (!slot) return undefined;
      for (const tag of options.tags ?? []) deps.metadata.forgetTag(image, tag);
      log.info({ image, reason, tags: options.tags }, 'scan requested');
      const report = await start(slot);
      return {
        image,
        changed: report.targets.filter((t) => t.moved).map((t) => ({ watch: t.watch, environment: t.environment })),
        ...(report.error && { error: report.error.message }),
      };
    },
    isReady() {
      return [...slots.values()].every((s) => s.plan.targets.every((t) => deps.cache.get(t.watch.name, t.environment)?.lastCheckedAt !== undefined));
    },
    updateConfig(next: Config) {
      config = next;
      rebuild();
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      schedule();
    },
    async scanAll() {
      // As many at once as the poller's own limit, so a full pass has the memory profile of normal running.
      const queue = [...slots.values()];
      const reports: ScanReport[] = [];
      const worker = async (): Promise<void> => {
        for (let slot = queue.shift(); slot; slot = queue.shift()) reports.push(await start(slot));
      };
      await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
      return reports;
    },
    scanTimes() {
      const out: Record<string, string> = {};
      for (const [image, s] of slots) if (s.state.lastScanAt !== undefined && s.state.consecutiveFailures === 0) out[image] = new Date(s.state.lastScanAt).toISOString();
      return out;
    },
  };
}
