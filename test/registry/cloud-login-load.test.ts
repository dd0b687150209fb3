// The first cloud login loads the provider's SDK (a dynamic import that can take seconds on a busy
// machine). That load happens before the login's deadline starts, so a slow import never fails the
// login, while a login that hangs still times out. Time is not slept here: every deadline the cache
// starts is recorded, and the test fires them itself while the load is still pending.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/shared/clock.ts';
import { createCloudCredentials, type CloudLogin } from '../../src/registry/cloud/login-cache.ts';
import { createEcrSession, ecrLogin } from '../../src/registry/cloud/ecr.ts';
import type { EcrSdk } from '../../src/registry/cloud/ecr-sdk.ts';
import { captureLogs } from './support.ts';

/** A deadline factory whose deadlines fire only when the test says (as if the time had run out). */
function manualDeadlines(events: string[]) {
  const started: AbortController[] = [];
  return {
    deadline: (ms: number) => {
      events.push(`deadline ${ms}`);
      const c = new AbortController();
      started.push(c);
      return c.signal;
    },
    expireAll: () => started.forEach((c) => c.abort(new DOMException('deadline', 'TimeoutError'))),
  };
}

function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  return { wait: new Promise<void>((r) => (open = r)), open: () => open() };
}

const token = (password: string) => ({ kind: 'basic' as const, username: 'AWS', password, expiresAt: Date.now() + 3600_000 });

test('the SDK is loaded before the deadline starts: a load slower than the timeout does not fail the login', async () => {
  const events: string[] = [];
  const load = gate();
  const login: CloudLogin = {
    provider: 'acr',
    prepare: async () => (events.push('load'), await load.wait, events.push('loaded'), undefined),
    login: async (signal) => (events.push(`login aborted=${signal.aborted}`), token('p1')),
  };
  const deadlines = manualDeadlines(events);
  const creds = createCloudCredentials({ login, host: 'x.azurecr.io', clock: manualClock(0), logger: captureLogs().logger, timeoutMs: 50, deadline: deadlines.deadline });
  const read = creds.read();
  await Promise.resolve();
  assert.deepEqual(events, ['load'], 'no deadline runs while the SDK loads');
  deadlines.expireAll(); // the load outlasts any timeout: nothing is running against it yet
  load.open();
  assert.equal((await read).password, 'p1');
  assert.deepEqual(events, ['load', 'loaded', 'deadline 50', 'login aborted=false']);
});

test('ECR: the session loads the SDK in prepare, and the deadline covers only GetAuthorizationToken', async () => {
  const events: string[] = [];
  const load = gate();
  const sdk: EcrSdk = {
    authorization: async (signal) => (events.push(`GetAuthorizationToken aborted=${signal.aborted}`), { token: Buffer.from('AWS:pw').toString('base64'), expiresAt: new Date(Date.now() + 3600_000) }),
    destroy: () => undefined,
  };
  const session = createEcrSession({ kind: 'ecr', region: 'eu-west-1', public: false }, async () => (events.push('import'), await load.wait, sdk));
  const deadlines = manualDeadlines(events);
  const creds = createCloudCredentials({ login: ecrLogin({ kind: 'ecr', region: 'eu-west-1', public: false }, session), host: 'h', clock: manualClock(0), logger: captureLogs().logger, timeoutMs: 50, deadline: deadlines.deadline });
  const read = creds.read();
  await Promise.resolve();
  deadlines.expireAll();
  load.open();
  assert.equal((await read).password, 'pw');
  assert.deepEqual(events, ['import', 'deadline 50', 'GetAuthorizationToken aborted=false']);
});

test('a login that hangs after the load still fails at its deadline, with REG_AUTH naming the provider', async () => {
  const events: string[] = [];
  const hanging: CloudLogin = {
    provider: 'google',
    prepare: async () => void events.push('loaded'),
    login: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
  };
  const deadlines = manualDeadlines(events);
  const creds = createCloudCredentials({ login: hanging, host: 'gcr.io', clock: manualClock(0), logger: captureLogs().logger, timeoutMs: 50, deadline: deadlines.deadline });
  const read = creds.read();
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(events, ['loaded', 'deadline 50']);
  deadlines.expireAll();
  await assert.rejects(read, (e: { code: string; message: string }) => e.code === 'REG_AUTH' && /google login failed: timed out after 50 ms/.test(e.message));
});

test('an SDK that cannot be loaded is REG_AUTH naming the provider and the reason', async () => {
  const broken: CloudLogin = {
    provider: 'ecr',
    prepare: async () => {
      throw new Error("Cannot find package '@aws-sdk/client-ecr'");
    },
    login: async () => token('never'),
  };
  const creds = createCloudCredentials({ login: broken, host: 'h', clock: manualClock(0), logger: captureLogs().logger, timeoutMs: 50 });
  await assert.rejects(creds.read(), (e: { code: string; message: string }) => e.code === 'REG_AUTH' && /ecr login failed: Error: Cannot find package/.test(e.message));
});
