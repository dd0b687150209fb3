// When clusters last asked for each watch: every getparams request that selects a watch touches it.
// When a registry's rate limit is short, the poller scans the repositories of watches asked for
// recently first, and a watch nobody asked for recently waits (due-queue.ts). "Recently" spans more
// than one ApplicationSet requeue (Argo CD's plugin generator asks again every 30 minutes by default,
// requeueAfterSeconds 1800), so a watch in use never counts as unused between two of its requests.
import type { Clock } from '../shared/clock.ts';

export interface UsageBook {
  /** Records a request for these watches, now. */
  touch(watches: Iterable<string>): void;
  /** When a cluster last asked for the watch (ms since epoch), if it did since the service started. */
  lastUsed(watch: string): number | undefined;
}

/** A watch asked for within this long counts as in use (longer when the poll interval is longer: three intervals). */
export const RECENT_USE_MS = 3600_000;

export function recentUseMs(intervalMs: number): number {
  return Math.max(RECENT_USE_MS, 3 * intervalMs);
}

/** Names come from the config's watches (the generator selects them), so the map is bounded by the config. */
export function createUsageBook(clock: Clock): UsageBook {
  const last = new Map<string, number>();
  return {
    touch(watches) {
      const now = clock.now();
      for (const w of watches) last.set(w, now);
    },
    lastUsed: (watch) => last.get(watch),
  };
}
