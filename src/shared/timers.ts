// The only place that arms timers for the poller, so a benchmark can run a day of polling on a
// virtual clock (bench/rate-limit-sim.ts) and tests can fire timers by hand. The system timers are
// unref'd: a pending scan never keeps the process alive.

export type TimerHandle = { readonly id: unknown };

export interface Timers {
  /** Calls `fn` once after `ms` (at most setTimeout's largest delay; see due-queue.ts). */
  set(fn: () => void, ms: number): TimerHandle;
  clear(handle: TimerHandle): void;
}

export const systemTimers: Timers = {
  set(fn, ms) {
    const id = setTimeout(fn, ms);
    id.unref();
    return { id };
  },
  clear(handle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};
