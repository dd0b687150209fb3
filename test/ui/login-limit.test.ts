// The viewer-token login is rate limited per client address, over real sockets: ten wrong tokens,
// then 429 with Retry-After, even for the right token, while another address still signs in; the
// window ends with the clock. Memory stays bounded whatever the number of addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { baseConfig, startFixture } from '../generator/fixture.ts';
import { listenOnce } from '../generator/socket.ts';
import { addressKey, createLoginLimiter, LOGIN_LIMIT } from '../../src/ui/login-limit.ts';
import { manualClock } from '../../src/shared/clock.ts';

const VIEWER = 'viewer-token-51c2';

/** POST /ui/api/login from the client address `from` (node:http, whose localAddress binds the socket). */
function login(base: string, token: string, from: string): Promise<{ status: number; retryAfter?: string; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/ui/api/login`, { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const code = text ? (JSON.parse(text) as { code?: string }).code : undefined;
        const retryAfter = res.headers['retry-after'];
        resolve({ status: res.statusCode ?? 0, ...(retryAfter !== undefined && { retryAfter }), ...(code && { code }) });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify({ token }));
  });
}

test('ten wrong tokens from one address: 429 with Retry-After until the window ends; another address is not affected', async (t) => {
  const fx = await startFixture(t, {
    config: (dir) => {
      writeFileSync(join(dir, 'viewer'), VIEWER);
      const base = baseConfig(dir);
      return { ...base, server: { ...(base.server as object), viewerTokenFile: join(dir, 'viewer') } };
    },
  });
  const base = await listenOnce(fx.app);
  // Two client addresses on the loopback network (Linux routes all of 127.0.0.0/8 to lo).
  const one = '127.0.0.1';
  const two = '127.0.0.2';
  for (let i = 0; i < LOGIN_LIMIT.failures; i++) assert.equal((await login(base, 'wrong', one)).status, 401);
  const throttled = await login(base, VIEWER, one);
  assert.deepEqual(throttled, { status: 429, retryAfter: '60', code: 'UI_LOGIN_THROTTLED' }, 'even the right token waits');
  assert.equal((await login(base, VIEWER, two)).status, 204, 'another address signs in');
  fx.clock.advance(30_000);
  assert.equal((await login(base, VIEWER, one)).retryAfter, '30');
  fx.clock.advance(30_000);
  assert.equal((await login(base, VIEWER, one)).status, 204, 'the window has ended');
});

test('addresses are counted per IPv4 address and per IPv6 /64; memory stays bounded', () => {
  assert.equal(addressKey('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(addressKey('2001:db8:0:1::5'), '2001:db8:0:1::/64');
  assert.equal(addressKey('2001:0db8:0000:0001:ffff::9'), '2001:db8:0:1::/64');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  const clock = manualClock(0);
  const limiter = createLoginLimiter(clock, { failures: 2, windowMs: 1000, addresses: 100 });
  for (let i = 0; i < 1000; i++) limiter.failed(`10.0.${i >> 8}.${i & 255}`);
  assert.equal(limiter.size(), 100);
  limiter.failed('2001:db8:0:1::5');
  limiter.failed('2001:db8:0:1::6');
  assert.equal(limiter.blockedFor('2001:db8:0:1:abcd::1'), 1000, 'the same /64');
  assert.equal(limiter.blockedFor('2001:db8:0:2::1'), 0);
});
