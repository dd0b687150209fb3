// When each repository is scanned next. Pure: the clock and the random source are arguments.
//
// After a success: one interval later, plus up to `jitter` of an interval so repositories spread out.
// After failures: sooner retries that lengthen (5 s, 10 s, 20 s, …) but never beyond one interval,
// so the service recovers within one interval of a fault clearing; a registry's `Retry-After`
// pushes the next attempt back further, but never past `maxBackoffSeconds`: a registry that asks
// for a wait of years (seconds or an HTTP-date) must not silence a repository for good.

export interface ScheduleSettings {
  readonly intervalMs: number;
  readonly jitter: number;
  readonly maxBackoffMs: number;
}

export interface RepositoryState {
  /** When the last scan finished (ms since epoch), successful or not. */
  readonly lastScanAt?: number;
  readonly consecutiveFailures: number;
  /** Delay the registry asked for (Retry-After), in ms. */
  readonly retryAfterMs?: number;
}

export const FIRST_RETRY_MS = 5_000;

export function nextRunAt(state: RepositoryState, settings: ScheduleSettings, now: number, random: () => number): number {
  if (state.lastScanAt === undefined) return now;
  if (state.consecutiveFailures > 0) {
    const exp = FIRST_RETRY_MS * 2 ** Math.min(state.consecutiveFailures - 1, 20);
    const backoff = Math.min(exp, settings.intervalMs, settings.maxBackoffMs);
    const asked = Math.min(state.retryAfterMs ?? 0, settings.maxBackoffMs);
    const wait = Math.max(backoff * (0.5 + random() / 2), Number.isFinite(asked) ? asked : settings.maxBackoffMs);
    return state.lastScanAt + wait;
  }
  return state.lastScanAt + settings.intervalMs + random() * settings.jitter * settings.intervalMs;
}
