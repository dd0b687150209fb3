// Request windows: a configured budget is paced over its window, a rolling registry window gives
// requests back as ours roll out, a Retry-After holds everything, and the budget waits for a near
// pacing slot but defers a far one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRateWindow } from '../../src/registry/rate-window.ts';
import { createRateLimitState } from '../../src/registry/rate-limit.ts';
import { createBudget } from '../../src/registry/budget.ts';
import { manualClock } from '../../src/shared/clock.ts';

const T0 = Date.UTC(2026, 10, 30);
const HOUR = 3600_000;

test('a configured window: a burst of a tenth, then one request per window/limit, never more than the limit in a window', () => {
  const w = createRateWindow({ configured: { limit: 100, windowMs: 6 * HOUR } });
  let sent = 0;
  for (let now = T0; now < T0 + 12 * HOUR; now = Math.max(now + 1, w.readyAt(now))) {
    if (w.readyAt(now) > now) continue;
    w.sent(now);
    sent++;
  }
  assert.ok(sent >= 190 && sent <= 200, `sent ${sent} in two windows`);
  assert.equal(w.snapshot(T0)?.limit, 100);
});

test('a rolling window (Docker Hub) gives a request back when ours rolls out, and counts what others spent', () => {
  const s = createRateLimitState();
  s.sent(T0);
  s.observe(200, { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '1;w=21600' }, T0);
  assert.equal(s.free(T0 + 1000), 0, 'only the reserve is left');
  assert.equal(s.readyAt(T0 + 1000), T0 + 6 * HOUR, 'our request rolls out after 6 h');
  assert.equal(s.snapshot(T0 + 1000).remaining, 1);
});

test('a 503 or 429 with Retry-After holds every request back that long', () => {
  const s = createRateLimitState();
  s.observe(503, { 'retry-after': '120' }, T0);
  assert.equal(s.readyAt(T0), T0 + 120_000);
  assert.equal(s.snapshot(T0).blockedUntil, new Date(T0 + 120_000).toISOString());
  const days = createRateLimitState();
  days.observe(429, { 'retry-after': String(30 * 24 * 3600) }, T0);
  assert.equal(days.readyAt(T0), T0 + 6 * HOUR, 'a wait of days is capped');
});

test('the budget waits for a pacing slot within maxWaitMs (counted as paced) and defers a later one', async () => {
  const clock = manualClock(T0);
  const waits: number[] = [];
  const entry = createRateWindow({ configured: { limit: 10, windowMs: 100_000 } });
  const budget = createBudget({ limit: 1000, requestsPerSecond: 0, clock, sleep: async (ms) => void (waits.push(ms), clock.advance(ms)), entry, maxWaitMs: 20_000 });
  assert.deepEqual(await budget.take(), { ok: true }, 'the burst (one request)');
  assert.deepEqual(await budget.take(), { ok: true }, 'after waiting one spacing (10 s)');
  assert.deepEqual(waits, [10_000]);
  assert.deepEqual(budget.counts(), { paced: 1, deferred: 0 });
  const slow = createBudget({ limit: 1000, requestsPerSecond: 0, clock, sleep: async () => assert.fail('no wait'), entry: createRateWindow({ configured: { limit: 2, windowMs: HOUR } }), maxWaitMs: 20_000 });
  assert.deepEqual(await slow.take(), { ok: true });
  const refused = await slow.take();
  assert.equal(refused.ok, false);
  assert.ok(!refused.ok && refused.readyAt === clock.now() + HOUR / 2, 'the next slot is half an hour away: the scan waits for it');
  assert.deepEqual(slow.counts(), { paced: 0, deferred: 1 });
});
