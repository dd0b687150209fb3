// The registry poller: one scan per repository per interval, shared by every watch, environment
// and cluster that reads it; bounded concurrency; jitter; quick retries after failures; an
// immediate re-scan for webhooks; prompt, clean shutdown.
import type { Config } from '../config/types.ts';
import type { Logger } from '../shared/log.ts';
import type { Clock } from '../shared/clock.ts';
import type { ResolutionCache } from '../cache/store.ts';
import type { MetadataStore } from '../cache/metadata.ts';
import type { RegistryClient } from '../registry/types.ts';
import type { PollerHandle, RescanOptions, RescanResult } from './types.ts';
import { targetKeys } from './plan.ts';
import { nextRunAt } from './schedule.ts';
import { scanRepository, type ScanDeps, type ScanReport } from './scan.ts';
import { createDueQueue, type DueQueue, type RepoSlot } from './due-queue.ts';
import { createBudgetWindow, type BudgetWindow } from './budget-window.ts';
import { planSlots, scheduleSettings } from './slots.ts';
import { createGate } from '../verify/gate.ts';
import type { Gate } from '../verify/types.ts';
import type { Pacing } from '../registry/types.ts';
import type { Timers } from '../shared/timers.ts';
import { recentUseMs, type UsageBook } from './usage.ts';

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
  /** Signature verdicts kept by digest across cycles (made here when not given; start.ts shares it with metrics). */
  readonly gate?: Gate;
  /** Holds taken as operations (they win over the config's `holds`); see operations/holds.ts. */
  readonly operationHold?: ScanDeps['operationHold'];
  /** When clusters last asked for each watch (getparams): served first when a rate limit is short. */
  readonly usage?: UsageBook;
  /** Timers for the schedule (a benchmark runs a virtual day on its own). */
  readonly timers?: Timers;
}

export interface Poller extends PollerHandle {
  /** Swaps in a new config: new repositories are scanned at once, removed watches are dropped. */
  updateConfig(config: Config): void;
  /** Scans every repository now and resolves when all are done. */
  scanAll(): Promise<ScanReport[]>;
  /** Last completed scan per image (for the snapshot). */
  scanTimes(): Record<string, string>;
}

/** Scans running at once across all registries, unless the caller says otherwise. */
const DEFAULT_CONCURRENCY = 16;
/** Scans running at once against one registry, unless the caller says otherwise. */
const DEFAULT_PER_REGISTRY = 4;
/** Deferred scans are spread over this many ms, so a new budget window does not start them all in one tick. */
const DEFERRED_SPREAD_MS = 100;

interface PollerParts {
  readonly deps: PollerDeps;
  readonly gate: Gate;
  readonly log: Logger;
  readonly random: () => number;
  readonly abort: AbortController;
  readonly current: { config: Config; slots: Map<string, RepoSlot> };
  readonly queue: DueQueue;
  readonly budget: BudgetWindow;
}

/** Records a finished scan on its slot: its next due time, its failure count, and what it logs. */
function recordScan(parts: PollerParts, slot: RepoSlot, report: ScanReport, finished: number): void {
  const { log, random } = parts;
  const settings = scheduleSettings(parts.current.config);
  if (report.deferred) {
    // Waits for the registry's next request to spare, or the next budget window; neither a failure nor a completed scan.
    const readyAt = pacingOf(parts, slot.plan.registry)?.readyAt ?? Number.POSITIVE_INFINITY;
    // A paced registry admits scans by priority when its request comes (due-queue.ts); a new budget
    // window is spread out so it does not start every deferred scan in one tick.
    slot.due = Number.isFinite(readyAt) ? Math.max(finished, readyAt) : parts.budget.nextWindowAt(finished) + random() * DEFERRED_SPREAD_MS;
    log.info({ image: slot.plan.image, until: new Date(slot.due).toISOString() }, 'scan deferred: the registry has no request to spare now (rate limit or requestBudget)');
    return;
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
  slot.due = nextRunAt(slot.state, settings, finished, random);
}

/** The registry's pacing (undefined for a host without a client, or a client that does not pace). */
function pacingOf(parts: PollerParts, registry: string): Pacing | undefined {
  try {
    return parts.deps.clientFor(registry).pacing?.();
  } catch {
    return undefined;
  }
}

/** Whether a cluster asked for one of the slot's watches recently (every slot is, without a usage book). */
function inUse(parts: PollerParts, slot: RepoSlot): boolean {
  const usage = parts.deps.usage;
  if (!usage) return true;
  const since = parts.deps.clock.now() - recentUseMs(scheduleSettings(parts.current.config).intervalMs);
  return slot.plan.targets.some((t) => (usage.lastUsed(t.watch.name) ?? Number.NEGATIVE_INFINITY) >= since);
}

async function runScan(parts: PollerParts, slot: RepoSlot): Promise<ScanReport> {
  const { deps } = parts;
  const started = deps.clock.now();
  const client = deps.clientFor(slot.plan.registry);
  const { named, announced } = slot;
  delete slot.named;
  delete slot.announced;
  const report = await scanRepository({ client, cache: deps.cache, metadata: deps.metadata, clock: deps.clock, logger: parts.log, signal: parts.abort.signal, gate: parts.gate, ...(deps.operationHold && { operationHold: deps.operationHold }), ...(named && { named }), ...(announced && { announced }) }, slot.plan);
  const finished = deps.clock.now();
  recordScan(parts, slot, report, finished);
  deps.onScan?.(report, finished - started);
  return report;
}

/** Re-plans the slots for the current config and drops cache entries no watch reads any more. */
function replan(parts: PollerParts): void {
  const { deps, current } = parts;
  const ctx = { cache: deps.cache, settings: scheduleSettings(current.config), now: deps.clock.now(), random: parts.random, ...(deps.restoredScans && { restoredScans: deps.restoredScans }) };
  current.slots = planSlots(current.config, current.slots, ctx);
  deps.cache.retain(targetKeys([...current.slots.values()].map((s) => s.plan)));
}

export function createPoller(deps: PollerDeps): Poller {
  const limit = Math.max(1, deps.concurrency ?? DEFAULT_CONCURRENCY);
  const current = { config: deps.config, slots: new Map<string, RepoSlot>() };
  const log = deps.logger.child({ module: 'poller' });
  const parts: PollerParts = {
    deps,
    gate: deps.gate ?? createGate({ clock: deps.clock }),
    log,
    random: deps.random ?? Math.random,
    abort: new AbortController(),
    current,
    queue: createDueQueue({
      slots: () => current.slots.values(),
      run: (slot) => runScan(parts, slot),
      onCrash: (err, slot) => log.error({ err, image: slot.plan.image }, 'scan crashed'),
      clock: deps.clock,
      limit,
      perRegistry: Math.max(1, Math.min(limit, deps.perRegistry ?? DEFAULT_PER_REGISTRY)),
      pacing: (registry) => pacingOf(parts, registry),
      inUse: (slot) => inUse(parts, slot),
      ...(deps.timers && { timers: deps.timers }),
    }),
    budget: createBudgetWindow({
      now: () => deps.clock.now(),
      intervalMs: () => scheduleSettings(current.config).intervalMs,
      registries: () => [...current.slots.values()].map((s) => s.plan.registry),
      reset: (registry) => deps.clientFor(registry).resetBudget(),
      onReset: () => parts.queue.reschedule(),
      ...(deps.timers && { timers: deps.timers }),
    }),
  };
  replan(parts);
  return pollerHandle(parts);
}

function pollerHandle(parts: PollerParts): Poller {
  const { deps, queue, current } = parts;
  return {
    start() {
      if (queue.open) return;
      parts.budget.open();
      queue.setOpen(true);
    },
    async stop() {
      queue.setOpen(false);
      parts.budget.close();
      parts.abort.abort();
      await Promise.allSettled([...current.slots.values()].map((s) => s.running));
    },
    async rescan(image: string, reason: string, options: RescanOptions = {}): Promise<RescanResult | undefined> {
      const slot = current.slots.get(image);
      if (!slot) return undefined;
      for (const tag of options.tags ?? []) deps.metadata.forgetTag(image, tag);
      if (options.tags?.length) slot.named = [...(slot.named ?? []), ...options.tags];
      if (options.digests?.size) slot.announced = new Map([...(slot.announced ?? []), ...options.digests]);
      parts.log.info({ image, reason, tags: options.tags }, 'scan requested');
      const report = await queue.start(slot);
      const named = options.tags ?? [];
      const listed = report.listing?.complete ? new Set(report.listing.tags) : undefined;
      const notFound = report.targets.some((t) => t.error?.code === 'REG_NOT_FOUND');
      const pending = notFound ? [...named] : named.filter((t) => listed && !listed.has(t));
      return {
        image,
        changed: report.targets.filter((t) => t.moved).map((t) => ({ watch: t.watch, environment: t.environment })),
        ...(report.error && { error: report.error.message }),
        ...(pending.length > 0 && { pending }),
      };
    },
    isReady() {
      return [...current.slots.values()].every((s) => s.plan.targets.every((t) => deps.cache.get(t.watch.name, t.environment)?.lastCheckedAt !== undefined));
    },
    updateConfig(next: Config) {
      current.config = next;
      replan(parts);
      queue.reschedule();
    },
    scanAll: () => scanAll(queue, [...current.slots.values()]),
    scanTimes() {
      const out: Record<string, string> = {};
      for (const [image, s] of current.slots) if (s.state.lastScanAt !== undefined && s.state.consecutiveFailures === 0) out[image] = new Date(s.state.lastScanAt).toISOString();
      return out;
    },
  };
}

/** Every repository once, as many at once as the poller's own limit, so a full pass has the memory profile of normal running. */
async function scanAll(queue: DueQueue, slots: RepoSlot[]): Promise<ScanReport[]> {
  const reports: ScanReport[] = [];
  const worker = async (): Promise<void> => {
    for (let slot = slots.shift(); slot; slot = slots.shift()) reports.push(await queue.start(slot));
  };
  await Promise.all(Array.from({ length: Math.min(queue.limit, slots.length) }, worker));
  return reports;
}
