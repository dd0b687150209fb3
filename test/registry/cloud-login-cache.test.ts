// The renewal cache of cloud logins on its own (the SDK paths are in ecr-login / google-login tests):
// concurrent readers share one login, a refusal seen by many requests costs one login, a refusal of a
// token already replaced costs none, and a login that hangs fails with REG_AUTH naming the provider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/shared/clock.ts';
import { createCloudCredentials, renewalMargin, type CloudLogin } from '../../src/registry/cloud/login-cache.ts';
import { captureLogs } from './support.ts';

function counting(lifetimeMs = 3600_000): CloudLogin & { calls: number } {
  const login = {
    provider: 'ecr',
    calls: 0,
    async login() {
      login.calls += 1;
      return { kind: 'basic' as const, username: 'AWS', password: `p${login.calls}`, expiresAt: Date.now() + lifetimeMs };
    },
  };
  return login;
}

test('the margin is a quarter of the lifetime, at most 5 minutes', () => {
  assert.equal(renewalMargin(12 * 3600_000), 5 * 60_000);
  assert.equal(renewalMargin(8 * 60_000), 2 * 60_000);
});

test('concurrent readers share one login; a refusal seen twice costs one login; a stale refusal costs none', async () => {
  const login = counting();
  const creds = createCloudCredentials({ login, host: 'h', clock: manualClock(0), logger: captureLogs().logger, timeoutMs: 1000 });
  const first = await Promise.all(Array.from({ length: 20 }, () => creds.read()));
  assert.equal(login.calls, 1);
  assert.ok(first.every((t) => t.password === 'p1'));
  creds.invalidate('p1');
  creds.invalidate('p1');
  assert.equal((await creds.read()).password, 'p2');
  creds.invalidate('p1');
  assert.equal((await creds.read()).password, 'p2', 'a refusal of the replaced token does not log in again');
  assert.equal(login.calls, 2);
});

test('a login that does not answer within the timeout is REG_AUTH naming the provider', async () => {
  const hanging: CloudLogin = { provider: 'google', login: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))) };
  const creds = createCloudCredentials({ login: hanging, host: 'gcr.io', clock: manualClock(0), logger: captureLogs().logger, timeoutMs: 50 });
  await assert.rejects(creds.read(), (e: { code: string; message: string }) => e.code === 'REG_AUTH' && /google login failed: timed out after 50 ms/.test(e.message));
});

test('a failed login keeps the SDK error out of the REG_AUTH error (its request may hold a signed assertion)', async () => {
  const failing: CloudLogin = {
    provider: 'google',
    async login() {
      throw Object.assign(new Error('invalid_grant: Invalid JWT Signature.'), { config: { data: 'assertion=eyJ.signed.secret' } });
    },
  };
  const creds = createCloudCredentials({ login: failing, host: 'gcr.io', clock: manualClock(0), logger: captureLogs().logger, timeoutMs: 1000 });
  await assert.rejects(creds.read(), (e: Error & { code: string }) => {
    assert.equal(e.code, 'REG_AUTH');
    assert.match(e.message, /google login failed: Error: invalid_grant: Invalid JWT Signature\./);
    assert.equal(e.cause, undefined);
    assert.ok(!JSON.stringify(e).includes('eyJ.signed.secret'));
    return true;
  });
});
