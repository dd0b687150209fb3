// The poller's budget window: every poll interval, each registry's request budget starts afresh.
// A scan deferred because its registry's budget was spent waits for the next window.

import { systemTimers, type TimerHandle, type Timers } from '../shared/timers.ts';

export interface BudgetWindowOptions {
  readonly now: () => number;
  readonly timers?: Timers;
  /** Called after the budgets were reset (scans waiting for the new window may start). */
  readonly onReset?: () => void;
  readonly intervalMs: () => number;
  /** The registries in use now (their budgets are reset together). */
  readonly registries: () => Iterable<string>;
  readonly reset: (registry: string) => void;
}

export interface BudgetWindow {
  /** When the current window began (ms since epoch). */
  readonly startedAt: number;
  /** When a scan deferred now should run: the start of the next window (never in the past). */
  nextWindowAt(now: number): number;
  open(): void;
  close(): void;
}

export function createBudgetWindow(options: BudgetWindowOptions): BudgetWindow {
  let startedAt = options.now();
  let timer: TimerHandle | undefined;
  const timers = options.timers ?? systemTimers;
  const arm = (): void => {
    timer = timers.set(() => {
      startedAt = options.now();
      for (const registry of new Set(options.registries())) options.reset(registry);
      arm();
      options.onReset?.();
    }, options.intervalMs());
  };
  return {
    get startedAt() {
      return startedAt;
    },
    nextWindowAt(now: number) {
      return Math.max(now, startedAt + options.intervalMs());
    },
    open() {
      startedAt = options.now();
      arm();
    },
    close() {
      if (timer) timers.clear(timer);
      timer = undefined;
    },
  };
}
