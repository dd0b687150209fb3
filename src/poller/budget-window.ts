// The poller's budget window: every poll interval, each registry's request budget starts afresh.
// A scan deferred because its registry's budget was spent waits for the next window.

export interface BudgetWindowOptions {
  readonly now: () => number;
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
  let timer: NodeJS.Timeout | undefined;
  return {
    get startedAt() {
      return startedAt;
    },
    nextWindowAt(now: number) {
      return Math.max(now, startedAt + options.intervalMs());
    },
    open() {
      startedAt = options.now();
      timer = setInterval(() => {
        startedAt = options.now();
        for (const registry of new Set(options.registries())) options.reset(registry);
      }, options.intervalMs());
      timer.unref();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
