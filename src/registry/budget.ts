// Per-registry request budget (how many requests one poll cycle may send) and requests-per-second
// pacing (requests are spaced 1/rps apart). Registries meter by client, not by repository (Docker Hub
// pull limits, GHCR per-organisation throttling), so one budget serves every
// repository of a registry. Time comes from the injected clock; waiting from the injected sleep.
import type { Clock } from '../shared/clock.ts';
import { createRateLimitState, type RateLimitState } from './rate-limit.ts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RequestBudget {
  /** Takes one request from the budget; false when the budget is spent (nothing should be sent). */
  tryTake(): boolean;
  /** Waits for this request's pacing slot. */
  pace(signal?: AbortSignal): Promise<void>;
  /** Starts a new window with the full budget. */
  reset(): void;
  left(): number;
  /** Reads the registry's own rate-limit headers (and 429 Retry-After) from a reply. */
  observe(status: number, headers: Readonly<Record<string, string | string[] | undefined>>): void;
  /** What the registry last said about its limit. */
  rateLimit(): ReturnType<RateLimitState['snapshot']>;
}

/** Requests that may leave at once after a quiet spell, before pacing spaces them 1/rps apart. */
export const PACING_BURST = 4;

export function createBudget(options: { limit: number; requestsPerSecond: number; clock: Clock; sleep: Sleep }): RequestBudget {
  const { limit, clock, sleep } = options;
  const intervalMs = options.requestsPerSecond > 0 && Number.isFinite(options.requestsPerSecond) ? 1000 / options.requestsPerSecond : 0;
  let used = 0;
  let nextSlot = 0;
  // the registry's own account of its limit comes before ours: a request it would refuse is not sent
  const registry = createRateLimitState();
  return {
    tryTake() {
      const now = clock.now();
      if (used >= limit || !registry.allows(now)) return false;
      used += 1;
      registry.sent(now);
      return true;
    },
    observe: (status, headers) => registry.observe(status, headers, clock.now()),
    rateLimit: () => registry.snapshot(),
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
