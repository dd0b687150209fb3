// Which failures are retried and how long to wait (pure; the transport owns the loop).
// Why not undici's retry interceptor: it retries inside the dispatcher, so each retry would escape our
// per-registry request budget, requests-per-second pacing, concurrency bound and per-status stats (a
// 429 storm would be answered with more requests nobody counted); its backoff has no jitter, so
// clients that failed together retry together; and it waits on its own timers, not an injected sleep.
// Backoff is "full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"):
// delay = random() * min(cap, base * 2^(attempt-1)). A Retry-After (RFC 9110 §10.2.3: seconds or an
// HTTP-date) replaces the backoff when present, up to `maxRetryAfterMs`; a longer one is not waited out.

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest Retry-After the client waits for; beyond it the request fails at once. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 };

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

// Socket-level failures worth another try: the peer went away or refused for a moment.
const RETRY_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']);

export function isRetryableStatus(status: number): boolean {
  return RETRY_STATUSES.has(status);
}

export function isRetryableErrorCode(code: string | undefined): boolean {
  return code !== undefined && RETRY_ERROR_CODES.has(code);
}

/** Milliseconds a Retry-After value asks for, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | readonly string[] | undefined, nowMs: number): number | undefined {
  const text = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Full-jitter exponential backoff before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly retryAfterMs?: number };

/** Whether to try again after a retryable reply/failure on attempt `attempt`, and after how long. */
export function decideRetry(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy, random: () => number): RetryDecision {
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) return { retry: false, retryAfterMs };
  if (attempt >= policy.maxAttempts) return retryAfterMs === undefined ? { retry: false } : { retry: false, retryAfterMs };
  return { retry: true, delayMs: retryAfterMs ?? backoffDelay(attempt, policy, random) };
}
