// What a registry says about its own rate limit, read from every reply, and when the next request
// may go. Docker Hub sends `ratelimit-limit: 100;w=21600` and `ratelimit-remaining: 76;w=21600` (IETF
// draft "RateLimit header fields for HTTP", the `;w=` window in seconds, a rolling window); GitHub
// (ghcr.io) sends `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` (Unix seconds,
// a fixed window; GitHub's "Rate limits for the REST API": after a refusal wait for the reset or the
// Retry-After). Any 429 or 503 with `Retry-After` (RFC 9110 §10.2.3) holds every request back that
// long; a 429 saying the window is spent (remaining 0) holds them until the reset. Between refusals
// the window (rate-window.ts) paces: `reserve` requests are never spent, the rest is spread to the
// window's end, so the poller slows down before the registry says 429 instead of after. Pure: the
// caller passes the time.

import { createRateWindow, type WindowSnapshot } from './rate-window.ts';
import { parseRetryAfter } from './retry.ts';

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
  /** Earliest time the next request may be sent. */
  readyAt(now: number): number;
  /** Requests that may be sent at once, now. */
  free(now: number): number;
  /** Records a request sent (spends one of the remaining). */
  sent(now: number): void;
  snapshot(now: number): RateLimitSnapshot;
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

export interface RateLimitSnapshot extends Partial<WindowSnapshot> {
  /** Until when the registry asked us to send nothing (a 429/503 with Retry-After, or a spent window). */
  readonly blockedUntil?: string;
}

/** The longest wait a Retry-After may impose on the budget (a registry asking for days is capped). */
const MAX_BLOCK_MS = 6 * 3600_000;

export function createRateLimitState(options: { reserve?: number } = {}): RateLimitState {
  const window = createRateWindow({ reserve: options.reserve ?? 1 });
  let blockedUntil = 0;
  return {
    observe(status, headers, now) {
      const read = readRateLimit(headers, now);
      if (read) window.observe({ limit: read.limit, remaining: read.remaining, windowMs: read.windowMs, ...(read.fixed && { resetAt: read.resetAt }) }, now);
      if (status !== 429 && status !== 503) return;
      const asked = parseRetryAfter(headers['retry-after'], now);
      if (asked !== undefined) blockedUntil = Math.max(blockedUntil, now + Math.min(asked, MAX_BLOCK_MS));
      else if (status === 429 && read?.remaining === 0) blockedUntil = Math.max(blockedUntil, Math.min(read.resetAt, now + MAX_BLOCK_MS));
    },
    readyAt: (now) => Math.max(blockedUntil, window.readyAt(now)),
    free: (now) => (now < blockedUntil ? 0 : window.free(now)),
    allows: (now) => now >= blockedUntil && window.readyAt(now) <= now,
    sent: (now) => window.sent(now),
    snapshot: (now) => ({ ...window.snapshot(now), ...(blockedUntil > now && { blockedUntil: new Date(blockedUntil).toISOString() }) }),
  };
}
