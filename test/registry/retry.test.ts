import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryAfter, backoffDelay, decideRetry, isRetryableStatus, isRetryableErrorCode, DEFAULT_RETRY } from '../../src/registry/retry.ts';
import { createBudget, createLimiter, PACING_BURST } from '../../src/registry/budget.ts';
import { manualClock } from '../../src/shared/clock.ts';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 30_000 };

test('Retry-After: delta seconds, HTTP date relative to now, junk ignored', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('7', now), 7_000);
  assert.equal(parseRetryAfter(['0'], now), 0);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

test('full-jitter backoff grows exponentially up to the cap', () => {
  assert.equal(backoffDelay(1, policy, () => 0.999), 99);
  assert.equal(backoffDelay(3, policy, () => 0.5), 200);
  assert.equal(backoffDelay(10, policy, () => 0.5), 500);
  assert.equal(backoffDelay(2, policy, () => 0), 0);
});

test('retries until maxAttempts; Retry-After replaces the backoff; a too-long one is not waited for', () => {
  assert.deepEqual(decideRetry(1, undefined, policy, () => 0.5), { retry: true, delayMs: 50 });
  assert.deepEqual(decideRetry(1, 2_000, policy, () => 0.5), { retry: true, delayMs: 2_000 });
  assert.deepEqual(decideRetry(4, undefined, policy, () => 0.5), { retry: false });
  assert.deepEqual(decideRetry(1, 60_000, policy, () => 0.5), { retry: false, retryAfterMs: 60_000 });
  assert.ok(DEFAULT_RETRY.maxAttempts > 1);
});

test('retryable statuses and socket errors', () => {
  for (const s of [429, 500, 502, 503, 504]) assert.ok(isRetryableStatus(s), String(s));
  for (const s of [200, 400, 401, 403, 404, 501]) assert.equal(isRetryableStatus(s), false, String(s));
  assert.ok(isRetryableErrorCode('ECONNRESET'));
  assert.ok(isRetryableErrorCode('UND_ERR_SOCKET'));
  assert.equal(isRetryableErrorCode('REG_TIMEOUT'), false);
  assert.equal(isRetryableErrorCode(undefined), false);
});

test('budget: counts down, refuses when spent, refills on reset', async () => {
  const budget = createBudget({ limit: 2, requestsPerSecond: 0, clock: manualClock(), sleep: async () => {} });
  assert.deepEqual(await budget.take(), { ok: true });
  assert.deepEqual(await budget.take(), { ok: true });
  assert.deepEqual(await budget.take(), { ok: false, readyAt: Number.POSITIVE_INFINITY });
  assert.equal(budget.left(), 0);
  budget.reset();
  assert.equal(budget.left(), 2);
});

test('pacing: a burst of PACING_BURST after a quiet spell, then 1/rps apart on the injected clock', async () => {
  const clock = manualClock(1_000);
  const waits: number[] = [];
  const budget = createBudget({ limit: 100, requestsPerSecond: 4, clock, sleep: async (ms) => void waits.push(ms) });
  for (let i = 0; i < PACING_BURST + 2; i++) await budget.pace();
  assert.deepEqual(waits, [250, 500], 'the burst leaves at once, the next ones wait their slots');
  // 1 s later 4 slots came back (rps 4), two of them spent waiting above: two go at once, the third waits.
  clock.advance(1_000);
  waits.length = 0;
  for (let i = 0; i < 3; i++) await budget.pace();
  assert.deepEqual(waits, [250]);
  // A long quiet spell refills the bucket to PACING_BURST, never more.
  clock.advance(60_000);
  waits.length = 0;
  for (let i = 0; i < PACING_BURST + 1; i++) await budget.pace();
  assert.deepEqual(waits, [250]);
});

test('limiter: at most max in flight, waiters served in order, abort leaves the queue', async () => {
  const limiter = createLimiter(1);
  const order: string[] = [];
  const release1 = await limiter.acquire();
  const second = limiter.acquire().then((r) => (order.push('second'), r));
  const ac = new AbortController();
  const aborted = limiter.acquire(ac.signal).then(() => order.push('aborted'), () => order.push('abort-rejected'));
  const third = limiter.acquire().then((r) => (order.push('third'), r));
  ac.abort();
  await aborted;
  release1();
  (await second)();
  (await third)();
  assert.deepEqual(order, ['abort-rejected', 'second', 'third']);
});
