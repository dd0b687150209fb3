// Which repository scans run now: the earliest due first, at most `limit` at once overall and at
// most `perRegistry` at once against one registry, so a failing registry holding its slots through
// retries cannot delay healthy ones. One timer, armed for the earliest slot that could start.
import type { Clock } from '../shared/clock.ts';
import type { RepositoryPlan } from './plan.ts';
import type { RepositoryState } from './schedule.ts';
import type { ScanReport } from './scan.ts';

export interface RepoSlot {
  plan: RepositoryPlan;
  state: RepositoryState;
  due: number;
  running?: Promise<ScanReport>;
  /** A re-scan asked for while one was running: run again right after. */
  again?: boolean;
}

export interface DueQueueOptions {
  readonly slots: () => Iterable<RepoSlot>;
  /** Scans one repository and sets its next `due`. */
  readonly run: (slot: RepoSlot) => Promise<ScanReport>;
  readonly onCrash: (err: unknown, slot: RepoSlot) => void;
  readonly clock: Clock;
  readonly limit: number;
  readonly perRegistry: number;
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

/** The due slots that may start now, earliest first, within `free` overall slots and the per-registry limit. */
function admit(slots: readonly RepoSlot[], now: number, free: number, perRegistry: number): RepoSlot[] {
  const due = slots.filter((s) => !s.running && s.due <= now).sort((a, b) => a.due - b.due);
  const busy = runningPerRegistry(slots);
  const admitted: RepoSlot[] = [];
  for (const slot of due) {
    if (admitted.length >= free) break;
    const registry = slot.plan.registry;
    if ((busy.get(registry) ?? 0) >= perRegistry) continue;
    busy.set(registry, (busy.get(registry) ?? 0) + 1);
    admitted.push(slot);
  }
  return admitted;
}

export function createDueQueue(options: DueQueueOptions): DueQueue {
  let timer: NodeJS.Timeout | undefined;
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
      schedule();
    });
    slot.running = scan;
    return scan;
  }

  function tick(): void {
    timer = undefined;
    if (!open) return;
    for (const slot of admit([...options.slots()], options.clock.now(), options.limit - active, options.perRegistry)) {
      void start(slot).catch((err: unknown) => options.onCrash(err, slot));
    }
    schedule();
  }

  function schedule(): void {
    if (!open || timer) return;
    // A slot whose registry is saturated waits for a scan there to finish (which calls schedule again).
    const busy = runningPerRegistry(options.slots());
    const waiting = [...options.slots()].filter((s) => !s.running && (busy.get(s.plan.registry) ?? 0) < options.perRegistry);
    if (waiting.length === 0) return;
    const untilNext = Math.min(...waiting.map((s) => s.due)) - options.clock.now();
    const delay = active >= options.limit ? Math.max(SATURATED_RECHECK_MS, untilNext) : Math.max(0, untilNext);
    timer = setTimeout(tick, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
  }

  return {
    get open() {
      return open;
    },
    limit: options.limit,
    start,
    reschedule() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      schedule();
    },
    setOpen(next: boolean) {
      open = next;
      if (open) return schedule();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
