// Per-registry request budget (how many requests one poll cycle may send), requests-per-second
// pacing (requests are spaced 1/rps apart), and the rate-limit windows a request must fit: the
// registry's own (its headers), this entry's (`rateLimit`) and its credentials' (`rateLimit.credential`,
// one window shared by every entry logging in with the same credentials). Registries meter by client
// or account, not by repository (Docker Hub pull limits, GHCR per-token limits), so one budget serves
// every repository of a registry. Time comes from the injected clock; waiting from the injected sleep.
import type { Clock } from '../shared/clock.ts';
import { createRateLimitState, type RateLimitSnapshot } from './rate-limit.ts';
import type { RateWindow, WindowSnapshot } from './rate-window.ts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Whether a request may go: at once, after a wait for its pacing slot, or not before `readyAt` (the scan waits). */
export type Take = { readonly ok: true } | { readonly ok: false; readonly readyAt: number };

export interface BudgetCounts {
  /** Requests that waited for their pacing slot before being sent. */
  readonly paced: number;
  /** Requests not sent because the budget had nothing left soon enough (their scans wait). */
  readonly deferred: number;
}

export interface RequestBudget {
  /**
   * Takes one request from every window; waits for a pacing slot up to `maxWaitMs`, else refuses.
   * `waitedUntil`: the caller already waited until then (a retry after the registry's Retry-After).
   */
  take(signal?: AbortSignal, waitedUntil?: number): Promise<Take>;
  /** Waits for this request's requests-per-second slot. */
  pace(signal?: AbortSignal): Promise<void>;
  /** When the next request may be sent (Infinity: not in this poll cycle). */
  readyAt(): number;
  /** Requests that may be sent at once, now. */
  free(): number;
  /** Starts a new window with the full budget. */
  reset(): void;
  left(): number;
  /** Reads the registry's own rate-limit headers (and 429/503 Retry-After) from a reply. */
  observe(status: number, headers: Readonly<Record<string, string | string[] | undefined>>): void;
  /** What the registry last said about its limit. */
  rateLimit(): RateLimitSnapshot;
  /** This entry's and its credentials' configured windows. */
  windows(): { readonly entry?: WindowSnapshot; readonly credential?: WindowSnapshot };
  counts(): BudgetCounts;
}

export interface BudgetOptions {
  readonly limit: number;
  readonly requestsPerSecond: number;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** `registries[].rateLimit` (this entry's own window). */
  readonly entry?: RateWindow;
  /** `registries[].rateLimit.credential` (shared with every entry using the same credentials). */
  readonly credential?: RateWindow;
  /** Longest wait for a pacing slot inside a scan; a later slot defers the scan instead (default 10 min). */
  readonly maxWaitMs?: number;
}

export const DEFAULT_MAX_WAIT_MS = 10 * 60_000;

/** Requests that may leave at once after a quiet spell, before pacing spaces them 1/rps apart. */
export const PACING_BURST = 4;

export function createBudget(options: BudgetOptions): RequestBudget {
  const { limit, clock, sleep } = options;
  const intervalMs = options.requestsPerSecond > 0 && Number.isFinite(options.requestsPerSecond) ? 1000 / options.requestsPerSecond : 0;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  let used = 0;
  let nextSlot = 0;
  const counts = { paced: 0, deferred: 0 };
  // the registry's own account of its limit comes before ours: a request it would refuse is not sent
  const registry = createRateLimitState();
  const windows = [registry, options.entry, options.credential].filter((w) => w !== undefined);
  const readyAt = (now: number): number => (used >= limit ? Number.POSITIVE_INFINITY : Math.max(now, ...windows.map((w) => w.readyAt(now))));
  return {
    async take(signal, waitedUntil = 0) {
      // a wait that ended counts as having reached its end, even when the clock reads a little less
      let floor = waitedUntil;
      for (let waited = false; ; waited = true) {
        const now = Math.max(clock.now(), floor);
        const at = readyAt(now);
        if (at <= now) {
          used += 1;
          for (const w of windows) w.sent(now);
          if (waited) counts.paced += 1;
          return { ok: true };
        }
        if (at - now > maxWaitMs) {
          counts.deferred += 1;
          return { ok: false, readyAt: at };
        }
        await sleep(at - now, signal);
        floor = at;
      }
    },
    observe: (status, headers) => registry.observe(status, headers, clock.now()),
    rateLimit: () => registry.snapshot(clock.now()),
    windows() {
      const now = clock.now();
      const entry = options.entry?.snapshot(now);
      const credential = options.credential?.snapshot(now);
      return { ...(entry && { entry }), ...(credential && { credential }) };
    },
    readyAt: () => readyAt(clock.now()),
    free: () => (used >= limit ? 0 : Math.min(limit - used, ...windows.map((w) => w.free(clock.now())))),
    async pace(signal) {
      if (intervalMs === 0) return;
      const now = clock.now();
      // A token bucket of PACING_BURST (client-go's QPS and Burst): after a quiet spell a few requests
      // go at once (a push's rescan: tags, manifest, config), then 1/rps apart; never more than
      // PACING_BURST + rps × t requests in any t seconds.
      const slot = Math.max(now - (PACING_BURST - 1) * intervalMs, nextSlot);
      nextSlot = slot + intervalMs;
      if (slot > now) await sleep(slot - now, signal);
    },
    reset() {
      used = 0;
    },
    left: () => Math.max(0, limit - used),
    counts: () => ({ ...counts }),
  };
}

/** At most `max` requests in flight; waiters are served in order. */
export interface Limiter {
  acquire(signal?: AbortSignal): Promise<() => void>;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    active -= 1;
    const next = waiting.shift();
    if (next) next();
  };
  return {
    acquire(signal) {
      if (active < Math.max(1, max)) {
        active += 1;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve, reject) => {
        const onAbort = (): void => {
          const i = waiting.indexOf(grant);
          if (i >= 0) waiting.splice(i, 1);
          reject(signal?.reason);
        };
        function grant(): void {
          signal?.removeEventListener('abort', onAbort);
          active += 1;
          resolve(once(release));
        }
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(grant);
      });
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
