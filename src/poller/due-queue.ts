// Which repository scans run now: at most `limit` at once overall and at most `perRegistry` at once
// against one registry, so a failing registry holding its slots through retries cannot delay healthy
// ones. A registry whose rate limit is paced (registry/rate-window.ts) starts only as many scans as
// it has requests to spare now; the repositories clusters asked for recently go first, then the
// stalest (priority.ts), so a repository nobody asked for recently waits. One timer, armed for the
// earliest slot that could start.
import type { Clock } from '../shared/clock.ts';
import type { Pacing } from '../registry/types.ts';
import { systemTimers, type TimerHandle, type Timers } from '../shared/timers.ts';
import type { RepositoryPlan } from './plan.ts';
import type { RepositoryState } from './schedule.ts';
import type { ScanReport } from './scan.ts';
import { orderDue } from './priority.ts';

export interface RepoSlot {
  plan: RepositoryPlan;
  state: RepositoryState;
  due: number;
  running?: Promise<ScanReport>;
  /** A re-scan asked for while one was running: run again right after. */
  again?: boolean;
  /** Tags a push named, for the next scan to look up early (scan.ts `named`). */
  named?: string[];
  /** Manifest digests the push named for some of those tags (scan.ts `announced`). */
  announced?: Map<string, string>;
}

export interface DueQueueOptions {
  readonly slots: () => Iterable<RepoSlot>;
  /** Scans one repository and sets its next `due`. */
  readonly run: (slot: RepoSlot) => Promise<ScanReport>;
  readonly onCrash: (err: unknown, slot: RepoSlot) => void;
  readonly clock: Clock;
  readonly limit: number;
  readonly perRegistry: number;
  /** When a registry may take its next request and how many it has to spare now (absent: never paced). */
  readonly pacing?: (registry: string) => Pacing | undefined;
  /** Whether a cluster asked for one of the slot's watches recently (absent: all count as in use). */
  readonly inUse?: (slot: RepoSlot) => boolean;
  readonly timers?: Timers;
}

export interface DueQueue {
  readonly open: boolean;
  /** Scans the slot now; when it is already running, once more right after (resolving with that run). */
  start(slot: RepoSlot): Promise<ScanReport>;
  /** Re-arms the timer (after the slots or their due times changed). */
  reschedule(): void;
  /** Starts (true) or stops (false) taking due slots. */
  setOpen(open: boolean): void;
  /** At most this many scans at once: the poller's own limit, for full passes too. */
  readonly limit: number;
}

/** When every scan slot is taken, how soon to look again at the earliest: a scan ending re-arms sooner. */
const SATURATED_RECHECK_MS = 50;
/** setTimeout's largest delay (a signed 32-bit millisecond count); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function runningPerRegistry(slots: Iterable<RepoSlot>): Map<string, number> {
  const busy = new Map<string, number>();
  for (const s of slots) if (s.running) busy.set(s.plan.registry, (busy.get(s.plan.registry) ?? 0) + 1);
  return busy;
}

interface Admission {
  readonly now: number;
  readonly free: number;
  readonly perRegistry: number;
  readonly pacing: (registry: string) => Pacing | undefined;
  readonly inUse: (slot: RepoSlot) => boolean;
}

/** Requests each registry of the due slots has to spare now (Infinity when it is not paced). */
function allowances(due: readonly RepoSlot[], a: Pick<Admission, 'now' | 'pacing'>): Map<string, number> {
  const out = new Map<string, number>();
  for (const { plan } of due) {
    if (out.has(plan.registry)) continue;
    const p = a.pacing(plan.registry);
    out.set(plan.registry, p === undefined ? Number.POSITIVE_INFINITY : p.readyAt > a.now ? 0 : p.free);
  }
  return out;
}

/**
 * Requests a scan is expected to send: a first scan lists the tags, HEADs the chosen tag and reads
 * its manifest and config; a later one usually lists the tags only (scan.ts keeps what it learnt).
 */
const scanCost = (slot: RepoSlot): number => (slot.state.lastScanAt === undefined ? 4 : 1);

/**
 * Scans at once per registry: `perRegistry`, but one at a time where the registry has fewer requests
 * to spare than its due scans need, so each scan gets the requests it needs in turn (a scan that starts
 * and then finds no request left throws away what it spent) and the order of priority.ts holds.
 */
function registryLimits(slots: readonly RepoSlot[], a: Pick<Admission, 'now' | 'pacing' | 'perRegistry'>): (registry: string) => number {
  const due = slots.filter((s) => !s.running && s.due <= a.now);
  const allowance = allowances(due, a);
  const needs = new Map<string, number>();
  for (const s of due) needs.set(s.plan.registry, (needs.get(s.plan.registry) ?? 0) + scanCost(s));
  return (registry) => ((allowance.get(registry) ?? Number.POSITIVE_INFINITY) < (needs.get(registry) ?? 0) ? 1 : a.perRegistry);
}

/**
 * The due slots that may start now, within `free` overall slots, the per-registry limit and each
 * registry's requests to spare, in priority.ts's order: those clusters use first, then the stalest.
 */
function admit(slots: readonly RepoSlot[], a: Admission): RepoSlot[] {
  const due = slots.filter((s) => !s.running && s.due <= a.now);
  const allowance = allowances(due, a);
  const limitOf = registryLimits(slots, a);
  const keyed = orderDue(due.map((slot) => ({ slot, due: slot.due, ...(slot.state.lastScanAt !== undefined && { lastScanAt: slot.state.lastScanAt }) })), (k) => a.inUse(k.slot));
  const busy = runningPerRegistry(slots);
  const admitted: RepoSlot[] = [];
  for (const { slot } of keyed) {
    if (admitted.length >= a.free) break;
    const registry = slot.plan.registry;
    if ((busy.get(registry) ?? 0) >= limitOf(registry) || allowance.get(registry)! < 1) continue;
    busy.set(registry, (busy.get(registry) ?? 0) + 1);
    allowance.set(registry, allowance.get(registry)! - 1);
    admitted.push(slot);
  }
  return admitted;
}

/** When a waiting slot could start: its due time, or later when its registry's pacing says so (never: undefined). */
function startableAt(slot: RepoSlot, pacing: (registry: string) => Pacing | undefined): number | undefined {
  const readyAt = pacing(slot.plan.registry)?.readyAt;
  if (readyAt === undefined) return slot.due;
  // a spent requestBudget waits for the budget window, which re-arms the queue when it resets
  return Number.isFinite(readyAt) ? Math.max(slot.due, readyAt) : undefined;
}

/** Milliseconds until the queue should look again (undefined: nothing can start until a scan ends or the config changes). */
function nextWake(slots: readonly RepoSlot[], w: { now: number; perRegistry: number; pacing: (registry: string) => Pacing | undefined; saturated: boolean; idle: boolean }): number | undefined {
  // A slot whose registry is saturated waits for a scan there to finish (which calls schedule again).
  const busy = runningPerRegistry(slots);
  const limitOf = registryLimits(slots, w);
  const waiting = slots.filter((s) => !s.running && (busy.get(s.plan.registry) ?? 0) < limitOf(s.plan.registry));
  const starts = waiting.map((s) => startableAt(s, w.pacing)).filter((t) => t !== undefined);
  if (starts.length === 0) return undefined;
  const untilNext = Math.min(...starts) - w.now;
  // a slot startable now that the last look did not start (every slot taken, no request to spare): look again shortly
  const delay = w.saturated || (untilNext <= 0 && w.idle) ? Math.max(SATURATED_RECHECK_MS, untilNext) : untilNext;
  return Math.min(Math.max(0, delay), MAX_TIMER_MS);
}

export function createDueQueue(options: DueQueueOptions): DueQueue {
  let timer: TimerHandle | undefined;
  const timers = options.timers ?? systemTimers;
  const pacing = options.pacing ?? (() => undefined);
  const inUse = options.inUse ?? (() => true);
  let idle = false;
  let open = false;
  let active = 0;

  function start(slot: RepoSlot): Promise<ScanReport> {
    if (slot.running) {
      slot.again = true;
      const running = slot.running;
      return running.then(() => slot.running ?? running);
    }
    active += 1;
    const scan = options.run(slot).finally(() => {
      active -= 1;
      slot.running = undefined;
      if (slot.again && open) {
        slot.again = false;
        void start(slot);
      }
      // Re-armed, not only armed: while this scan held its registry's last slot, that registry's due
      // slots could not start and the timer was armed for the others' next due time (an interval away
      // after they all finished). Kept, it held this registry's scans back until then.
      disarm();
      schedule();
    });
    slot.running = scan;
    return scan;
  }

  function tick(): void {
    timer = undefined;
    if (!open) return;
    const admitted = admit([...options.slots()], { now: options.clock.now(), free: options.limit - active, perRegistry: options.perRegistry, pacing, inUse });
    idle = admitted.length === 0;
    for (const slot of admitted) void start(slot).catch((err: unknown) => options.onCrash(err, slot));
    schedule();
  }

  function schedule(): void {
    if (!open || timer) return;
    const delay = nextWake([...options.slots()], { now: options.clock.now(), perRegistry: options.perRegistry, pacing, saturated: active >= options.limit, idle });
    if (delay !== undefined) timer = timers.set(tick, delay);
  }

  const disarm = (): void => void (timer && timers.clear(timer), (timer = undefined));
  return {
    get open() {
      return open;
    },
    limit: options.limit,
    start,
    reschedule() {
      disarm();
      schedule();
    },
    setOpen(next: boolean) {
      open = next;
      if (open) return schedule();
      disarm();
    },
  };
}
