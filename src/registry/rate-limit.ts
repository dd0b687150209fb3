// What a registry says about its own rate limit, read from every reply, and whether another request
// fits. Docker Hub sends `ratelimit-limit: 100;w=21600` and `ratelimit-remaining: 76;w=21600` (IETF
// draft "RateLimit header fields for HTTP", the `;w=` window in seconds); GitHub-style registries send
// `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` (Unix seconds). A 429's
// `Retry-After` is honoured by the retry loop (retry.ts); a 429 that also says the window is spent
// (remaining 0) keeps further requests back until the window resets. The rule: keep `reserve` requests back, and never spend
// faster than the window's pro-rata share plus a burst (a tenth of the limit), so a poll cycle can
// still read a few pages at once while the poller slows down before the registry says 429 instead of
// after. Pure: the caller passes the time.

type Headers = Readonly<Record<string, string | string[] | undefined>>;

export interface RateLimitReading {
  readonly limit: number;
  readonly remaining: number;
  /** When the window's allowance is whole again (ms since epoch). */
  readonly resetAt: number;
  readonly windowMs: number;
  /** The registry named its reset time (fixed windows); without one (Docker Hub's sliding 6 h) only the reserve applies. */
  readonly fixed: boolean;
}

export interface RateLimitState {
  observe(status: number, headers: Headers, now: number): void;
  /** Whether a request may be sent at `now` without risking a refusal. */
  allows(now: number): boolean;
  /** Records a request sent (spends one of the remaining). */
  sent(now: number): void;
  snapshot(): { readonly limit?: number; readonly remaining?: number; readonly resetAt?: string; readonly blockedUntil?: string };
}

function first(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

/** `100;w=21600` → { value: 100, windowSeconds: 21600 }. */
function quota(text: string | undefined): { value: number; windowSeconds?: number } | undefined {
  const m = /^\s*(\d{1,12})\s*(?:;\s*w\s*=\s*(\d{1,9}))?/.exec(text ?? '');
  if (!m) return undefined;
  return { value: Number(m[1]), ...(m[2] !== undefined && { windowSeconds: Number(m[2]) }) };
}

export function readRateLimit(headers: Headers, now: number): RateLimitReading | undefined {
  const limit = quota(first(headers['ratelimit-limit'])) ?? quota(first(headers['x-ratelimit-limit']));
  const remaining = quota(first(headers['ratelimit-remaining'])) ?? quota(first(headers['x-ratelimit-remaining']));
  if (limit === undefined || remaining === undefined) return undefined;
  const reset = quota(first(headers['x-ratelimit-reset'])) ?? quota(first(headers['ratelimit-reset']));
  const window = remaining.windowSeconds ?? limit.windowSeconds;
  // x-ratelimit-reset is an epoch time; ratelimit-reset (draft) is seconds from now
  const resetAt = reset !== undefined ? (reset.value > 1e9 ? reset.value * 1000 : now + reset.value * 1000) : now + (window ?? 3600) * 1000;
  return { limit: limit.value, remaining: Math.min(remaining.value, limit.value), resetAt, windowMs: Math.max(1000, (window ?? 3600) * 1000, resetAt - now), fixed: reset !== undefined };
}

export function createRateLimitState(options: { reserve?: number } = {}): RateLimitState {
  const reserve = options.reserve ?? 1;
  let reading: RateLimitReading | undefined;
  let blockedUntil = 0;
  return {
    observe(status, headers, now) {
      const read = readRateLimit(headers, now);
      if (read) reading = read;
      if (status === 429 && read?.remaining === 0) blockedUntil = Math.max(blockedUntil, read.resetAt);
    },
    allows(now) {
      if (now < blockedUntil) return false;
      if (reading === undefined || now >= reading.resetAt) return true;
      if (reading.remaining <= reserve) return false;
      if (!reading.fixed) return true;
      // keep at least the share of the limit that the rest of the window will need, less a burst
      const share = (reading.limit * (reading.resetAt - now)) / reading.windowMs;
      const burst = Math.max(1, Math.ceil(reading.limit / 10));
      return reading.remaining - 1 >= share - burst;
    },
    sent(now) {
      if (reading && now < reading.resetAt) reading = { ...reading, remaining: Math.max(0, reading.remaining - 1) };
    },
    snapshot: () => ({
      ...(reading && { limit: reading.limit, remaining: reading.remaining, resetAt: new Date(reading.resetAt).toISOString() }),
      ...(blockedUntil > 0 && { blockedUntil: new Date(blockedUntil).toISOString() }),
    }),
  };
}
