import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextRunAt, FIRST_RETRY_MS } from '../../src/poller/schedule.ts';

const S = { intervalMs: 300_000, jitter: 0.1, maxBackoffMs: 600_000 };
const T0 = Date.parse('2026-01-01T00:00:00Z');

test('a repository never scanned is due at once', () => {
  assert.equal(nextRunAt({ consecutiveFailures: 0 }, S, T0, () => 0.5), T0);
});

test('after a success: one interval plus at most the jitter fraction of it', () => {
  const cases: Array<[number, number]> = [
    [0, T0 + 300_000],
    [0.5, T0 + 315_000],
    [0.999999, T0 + 300_000 + 0.999999 * 30_000],
  ];
  for (const [r, want] of cases) assert.equal(nextRunAt({ lastScanAt: T0, consecutiveFailures: 0 }, S, T0 + 5, () => r), want);
});

test('after failures: lengthening retries, never longer than one interval', () => {
  const rows: Array<[number, number]> = [
    [1, FIRST_RETRY_MS],
    [2, FIRST_RETRY_MS * 2],
    [3, FIRST_RETRY_MS * 4],
    [6, FIRST_RETRY_MS * 32],
    [7, 300_000],
    [50, 300_000],
  ];
  for (const [failures, full] of rows) {
    // random() = 1 gives the full backoff, 0 gives half of it
    assert.equal(nextRunAt({ lastScanAt: T0, consecutiveFailures: failures }, S, T0, () => 1), T0 + full, `failures=${failures}`);
    assert.equal(nextRunAt({ lastScanAt: T0, consecutiveFailures: failures }, S, T0, () => 0), T0 + full / 2, `failures=${failures}`);
  }
});

test('a Retry-After longer than the backoff is honoured', () => {
  assert.equal(nextRunAt({ lastScanAt: T0, consecutiveFailures: 1, retryAfterMs: 120_000 }, S, T0, () => 1), T0 + 120_000);
  assert.equal(nextRunAt({ lastScanAt: T0, consecutiveFailures: 1, retryAfterMs: 1_000 }, S, T0, () => 1), T0 + FIRST_RETRY_MS);
});

test('maxBackoff caps retries below the interval when set lower', () => {
  assert.equal(nextRunAt({ lastScanAt: T0, consecutiveFailures: 10 }, { ...S, maxBackoffMs: 60_000 }, T0, () => 1), T0 + 60_000);
});

test('no Retry-After a registry sends, seconds or HTTP-date, pushes a scan past maxBackoff', async () => {
  const { parseRetryAfter } = await import('../../src/registry/retry.ts');
  const capped = { ...S, maxBackoffMs: 600_000 };
  for (const header of ['86400', '999999999999', '9'.repeat(400), 'Fri, 31 Dec 9999 23:59:59 GMT', new Date(T0 + 3_600_000).toUTCString()]) {
    const retryAfterMs = parseRetryAfter(header, T0);
    assert.ok(retryAfterMs !== undefined, header);
    const at = nextRunAt({ lastScanAt: T0, consecutiveFailures: 1, ...(retryAfterMs !== undefined && { retryAfterMs }) }, capped, T0, () => 1);
    assert.ok(at <= T0 + 600_000, `${header.slice(0, 40)}: next scan ${at - T0} ms later`);
    assert.ok(at >= T0 + FIRST_RETRY_MS, header.slice(0, 40));
  }
});
