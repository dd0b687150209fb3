// One HTTP exchange with a registry (or its token realm), with everything every request needs: the
// per-cycle budget, rps pacing, the concurrency bound, a deadline, the caller's AbortSignal, a bounded
// body, retries of 429/5xx/socket failures (retry.ts says why this loop is ours, not undici's), stats
// by status, and a debug log line per attempt (path only: no query, no headers, so no secrets).
import { request, errors as undiciErrors, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../shared/log.ts';
import type { Clock } from '../shared/clock.ts';
import { isAppError } from '../shared/errors.ts';
import { registryError } from './errors.ts';
import { decideRetry, isRetryableErrorCode, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry.ts';
import type { Limiter, RequestBudget, Sleep } from './budget.ts';

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** Largest body read; a larger one fails with REG_TOO_LARGE. */
  readonly maxBytes: number;
  readonly repository?: string;
  /** Follow redirects (blob GETs only). */
  readonly redirects?: boolean;
  readonly signal?: AbortSignal;
  /**
   * Takes the body of a reply with this status chunk by chunk instead of buffering it (the reply's
   * `body` is then empty). Called once per attempt, so a retried request starts a fresh consumer.
   */
  readonly stream?: (status: number) => ((chunk: Buffer) => void) | undefined;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface TransportDeps {
  readonly host: string;
  readonly api: Dispatcher;
  readonly blobs: Dispatcher;
  readonly timeoutMs: number;
  readonly budget: RequestBudget;
  readonly limiter: Limiter;
  readonly retry: RetryPolicy;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly logger: Logger;
}

export interface Transport {
  /** Sends with retries; returns any final reply that is not a retryable status (the caller maps it). */
  send(req: HttpRequest): Promise<HttpReply>;
  requestsByStatus(): Record<string, number>;
}

class TooLarge extends Error {}

export function createTransport(deps: TransportDeps): Transport {
  const counts: Record<string, number> = {};
  const count = (key: string): void => void (counts[key] = (counts[key] ?? 0) + 1);

  async function attempt(req: HttpRequest, n: number, waitedUntil?: number): Promise<HttpReply> {
    const ctx = { host: deps.host, repository: req.repository, request: `${req.method} ${req.url.pathname}` };
    const taken = await deps.budget.take(req.signal, waitedUntil);
    if (!taken.ok) throw budgetWait(ctx, taken.readyAt, deps.budget.left());
    await deps.budget.pace(req.signal);
    const release = await deps.limiter.acquire(req.signal);
    const deadline = AbortSignal.timeout(deps.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
    const started = deps.clock.now();
    try {
      const res = await request(req.url, { method: req.method, headers: req.headers, signal, dispatcher: req.redirects ? deps.blobs : deps.api });
      deps.budget.observe(res.statusCode, res.headers);
      const body = await readBounded(res, req.method === 'HEAD' ? Number.POSITIVE_INFINITY : req.maxBytes, req.stream?.(res.statusCode));
      count(String(res.statusCode));
      deps.logger.debug({ method: req.method, path: req.url.pathname, status: res.statusCode, attempt: n, ms: deps.clock.now() - started }, 'registry request');
      return { status: res.statusCode, headers: res.headers, body };
    } catch (err) {
      count('error');
      throw attemptFailure(err, req, ctx, deadline, deps.timeoutMs);
    } finally {
      release();
    }
  }

  async function send(req: HttpRequest): Promise<HttpReply> {
    const ctx = { host: deps.host, repository: req.repository, request: `${req.method} ${req.url.pathname}` };
    let waitedUntil: number | undefined;
    for (let n = 1; ; n += 1) {
      let reply: HttpReply | undefined;
      let failure: unknown;
      try {
        reply = await attempt(req, n, waitedUntil);
      } catch (err) {
        if (isAppError(err) || req.signal?.aborted) throw err;
        const code = errorCode(err);
        // TLS and other non-transient failures: no retry, but still a typed error
        if (!isRetryableErrorCode(code)) throw registryError('REG_UNAVAILABLE', `cannot reach the registry: ${code ?? 'network error'}`, { ...ctx, cause: err, extra: { code, attempts: n } });
        failure = err;
      }
      if (reply && !isRetryableStatus(reply.status)) return reply;
      const retryAfterMs = reply ? parseRetryAfter(reply.headers['retry-after'], deps.clock.now()) : undefined;
      const decision = decideRetry(n, retryAfterMs, deps.retry, deps.random);
      if (!decision.retry) {
        const status = reply?.status;
        const extra = { attempts: n, ...(decision.retryAfterMs !== undefined ? { retryAfterMs: decision.retryAfterMs } : {}) };
        if (status === 429) throw registryError('REG_RATE_LIMITED', `rate limited (429) after ${n} attempt(s)`, { ...ctx, status, extra });
        if (status !== undefined) throw registryError('REG_UNAVAILABLE', `registry answered ${status} after ${n} attempt(s)`, { ...ctx, status, extra });
        throw registryError('REG_UNAVAILABLE', `cannot reach the registry: ${errorCode(failure) ?? 'network error'} after ${n} attempt(s)`, { ...ctx, cause: failure, extra: { ...extra, code: errorCode(failure) } });
      }
      deps.logger.warn({ path: req.url.pathname, status: reply?.status, code: errorCode(failure), attempt: n, delayMs: decision.delayMs }, 'registry request failed, retrying');
      // the budget holds every request back for a Retry-After; this one has waited it out already
      if (retryAfterMs !== undefined) waitedUntil = deps.clock.now() + decision.delayMs;
      await deps.sleep(decision.delayMs, req.signal);
    }
  }

  return { send, requestsByStatus: () => ({ ...counts }) };
}

/** What a failed attempt throws: the caller's abort as is, a too-large body or a timeout typed, anything else unchanged. */
function attemptFailure(err: unknown, req: HttpRequest, ctx: { host: string; repository: string | undefined; request: string }, deadline: AbortSignal, timeoutMs: number): unknown {
  if (req.signal?.aborted) return req.signal.reason;
  if (err instanceof TooLarge) return registryError('REG_TOO_LARGE', `reply body is larger than ${req.maxBytes} bytes`, { ...ctx, extra: { limitBytes: req.maxBytes } });
  if (deadline.aborted || err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return registryError('REG_TIMEOUT', `no complete reply within ${timeoutMs} ms`, { ...ctx, cause: err, extra: { timeoutMs } });
  }
  return err;
}

/** The request was not sent: the cycle's budget is spent, or a rate-limit window has nothing left soon enough. */
function budgetWait(ctx: { host: string; repository: string | undefined; request: string }, readyAt: number, budgetLeft: number) {
  const why = Number.isFinite(readyAt)
    ? `the registry's rate limit (or this entry's or its credentials' rateLimit) has no request to spare before ${new Date(readyAt).toISOString()}`
    : 'the request budget for this poll cycle is spent';
  return registryError('REG_BUDGET_EXHAUSTED', `not sent: ${why}`, { ...ctx, extra: { budgetLeft, ...(Number.isFinite(readyAt) && { readyAt }) } });
}

/** The error code of a socket/undici failure (undici wraps the socket error as `cause`). */
function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof e?.cause?.code === 'string' && (e.code === 'UND_ERR_SOCKET' || e.code === undefined)) return e.cause.code;
  return typeof e?.code === 'string' ? e.code : undefined;
}

/** Bytes handed to a stream consumer between turns of the event loop (health checks answer meanwhile). */
const YIELD_EVERY_BYTES = 256 * 1024;

async function readBounded(res: Dispatcher.ResponseData, maxBytes: number, consume?: (chunk: Buffer) => void): Promise<Buffer> {
  // destroying the body makes undici emit an abort error nobody else listens for
  const discard = (): void => void res.body.on('error', () => {}).destroy();
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes && res.statusCode < 300) {
    discard();
    throw new TooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let sinceYield = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw new TooLarge();
      if (!consume) {
        chunks.push(chunk);
        continue;
      }
      consume(chunk);
      sinceYield += chunk.length;
      if (sinceYield >= YIELD_EVERY_BYTES) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } catch (err) {
    discard();
    throw err;
  }
  return Buffer.concat(chunks);
}
