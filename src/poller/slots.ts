// One slot per repository the config reads: its plan, its scan history and when it is due. A config
// change keeps the slots of repositories still read (their history and running scan survive).
import type { Config } from '../config/types.ts';
import type { ResolutionCache } from '../cache/store.ts';
import type { RepoSlot } from './due-queue.ts';
import { planRepositories } from './plan.ts';
import { nextRunAt, type RepositoryState, type ScheduleSettings } from './schedule.ts';

export interface SlotContext {
  readonly cache: ResolutionCache;
  /** Last completed scan per image, restored from the snapshot: fresh repositories wait their turn. */
  readonly restoredScans?: Readonly<Record<string, string>>;
  readonly settings: ScheduleSettings;
  readonly now: number;
  readonly random: () => number;
}

export function scheduleSettings(config: Config): ScheduleSettings {
  const { intervalSeconds, jitter, maxBackoffSeconds } = config.polling;
  return { intervalMs: intervalSeconds * 1000, jitter, maxBackoffMs: maxBackoffSeconds * 1000 };
}

/** A new repository's history: its restored last scan, if the cache still holds every target it resolves. */
function restoredState(slot: Pick<RepoSlot, 'plan'>, ctx: SlotContext): RepositoryState {
  const restored = ctx.restoredScans?.[slot.plan.image];
  const known = slot.plan.targets.every((t) => ctx.cache.latest(t.watch.name, t.environment)?.lastCheckedAt !== undefined);
  return restored && known ? { lastScanAt: Date.parse(restored), consecutiveFailures: 0 } : { consecutiveFailures: 0 };
}

export function planSlots(config: Config, previous: ReadonlyMap<string, RepoSlot>, ctx: SlotContext): Map<string, RepoSlot> {
  const next = new Map<string, RepoSlot>();
  for (const plan of planRepositories(config)) {
    const old = previous.get(plan.image);
    if (old) {
      old.plan = plan;
      next.set(plan.image, old);
      continue;
    }
    const state = restoredState({ plan }, ctx);
    next.set(plan.image, { plan, state, due: nextRunAt(state, ctx.settings, ctx.now, ctx.random) });
  }
  return next;
}
