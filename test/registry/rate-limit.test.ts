// The registry's own rate-limit headers slow the client before a 429 (Docker Hub `ratelimit-*` with
// `;w=`, GitHub-style `x-ratelimit-*`, Retry-After), pure rules and a client against a loopback peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRateLimitState, readRateLimit } from '../../src/registry/rate-limit.ts';
import { isAppError } from '../../src/shared/errors.ts';
import { registryConfig, testClient } from './support.ts';

const T0 = Date.UTC(2026, 10, 30);

test('Docker Hub and GitHub-style headers are read; absent or malformed ones are not', () => {
  assert.deepEqual(readRateLimit({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' }, T0), { limit: 100, remaining: 76, resetAt: T0 + 21_600_000, windowMs: 21_600_000, fixed: false });
  assert.deepEqual(readRateLimit({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(T0 / 1000 + 1800) }, T0), { limit: 5000, remaining: 4999, resetAt: T0 + 1_800_000, windowMs: 3_600_000, fixed: true });
  assert.equal(readRateLimit({ 'ratelimit-limit': 'lots' , 'ratelimit-remaining': '1' }, T0), undefined);
  assert.equal(readRateLimit({}, T0), undefined);
});

test('spending is paced to last until the reset: a burst of a tenth of the limit, then the remaining spread evenly', () => {
  const s = createRateLimitState();
  s.observe(200, { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '100', 'x-ratelimit-reset': String(T0 / 1000 + 21600) }, T0);
  let sent = 0;
  while (s.allows(T0)) {
    s.sent(T0);
    sent++;
  }
  assert.equal(sent, 10, 'a burst of a tenth of the limit at the start of a window');
  assert.equal(s.allows(T0 + 60_000), false, 'a minute later the share has not grown by one request');
  const next = s.readyAt(T0);
  // 89 requests left (one kept in reserve) over 6 h: about 243 s apart, ten of them since the burst
  assert.ok(next > T0 + 2_000_000 && next < T0 + 2_600_000, `next request at +${(next - T0) / 1000} s`);
  assert.equal(s.allows(next), true);
  const drained = createRateLimitState();
  drained.observe(200, { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '2;w=21600' }, T0);
  assert.equal(drained.allows(T0), true, 'a rolling window (no reset time): spend down to the reserve');
  drained.sent(T0);
  assert.equal(drained.allows(T0 + 21_000_000), false, 'the last request is kept back');
  assert.equal(drained.allows(T0 + 21_600_001), true, 'our request has rolled out of the window');
});

test('a 429 saying the window is spent blocks until the window resets', () => {
  const s = createRateLimitState();
  s.observe(429, { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 120) }, T0);
  assert.equal(s.allows(T0 + 119_000), false);
  assert.equal(s.allows(T0 + 120_000), true);
});

test('the client stops before the registry refuses: no 429, the scan is deferred (REG_BUDGET_EXHAUSTED)', async (t) => {
  let remaining = 10;
  let requests = 0;
  let refused = 0;
  const server = createServer((_req, res) => {
    requests++;
    if (remaining === 0) {
      refused++;
      res.writeHead(429, { 'retry-after': '3600' }).end();
    } else res.writeHead(200, { 'content-type': 'application/json', 'ratelimit-limit': '10;w=21600', 'ratelimit-remaining': `${--remaining};w=21600`, 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 21600) }).end(JSON.stringify({ name: 'a/b', tags: ['1'] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { client } = testClient(registryConfig(url));
  t.after(() => client.close());
  await client.listTags('a/b');
  await assert.rejects(client.listTags('a/b'), (err) => isAppError(err) && err.code === 'REG_BUDGET_EXHAUSTED');
  assert.equal(requests, 1);
  assert.equal(refused, 0);
  assert.deepEqual(client.stats().rateLimit?.remaining, 9);
});
