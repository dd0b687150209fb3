// Every getparams request records the watches it selects, so the poller knows which watches clusters
// use (it scans those first when a registry's rate limit is short; src/poller/usage.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerRequest, startFixture, T0 } from './fixture.ts';
import { send } from './socket.ts';
import { createUsageBook } from '../../src/poller/usage.ts';
import { manualClock } from '../../src/shared/clock.ts';

test('a getparams request marks the watches it selects as used, and only those', async (t) => {
  const clock = manualClock(T0 + 5000);
  const usage = createUsageBook(clock);
  const fx = await startFixture(t, { usage });
  assert.equal((await send(fx.app, controllerRequest('web-apps', { images: ['web'] }))).status, 200);
  assert.equal(usage.lastUsed('web'), T0 + 5000);
  assert.equal(usage.lastUsed('api'), undefined, 'not selected, not used');
  clock.advance(60_000);
  // the same input again is answered from the answer cache, and still counts as a use
  assert.equal((await send(fx.app, controllerRequest('web-apps', { images: ['web'] }))).status, 200);
  assert.equal(usage.lastUsed('web'), T0 + 65_000);
});
