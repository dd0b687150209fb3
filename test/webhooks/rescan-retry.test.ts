// A registry may announce a push before it serves the tag (Distribution notifies from inside the
// manifest write, before the tag's link exists): a re-scan that did not get a tag the event named is
// run again after a short delay, a bounded number of times (src/webhooks/rescan.ts), and the poller
// says which named tags it did not get (`pending`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RescanResult } from '../../src/poller/types.ts';
import { PENDING_RETRY_MS } from '../../src/webhooks/rescan.ts';
import { startFixture, WEBHOOK_SECRET } from '../generator/fixture.ts';
import { send } from '../generator/socket.ts';
import { startVendorService } from './vendor-service.ts';
import { until } from '../helpers/until.ts';

const event = JSON.stringify({ events: [{ action: 'push', target: { repository: 'acme/web', tag: '1.5.0' }, request: { host: 'registry.test:5000' } }] });
const finished = (logs: readonly Record<string, unknown>[]): boolean => logs.some((l) => l['msg'] === 'push event re-scan finished');
const headers = { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` };

test('a re-scan that did not get the pushed tag runs again, and stops once it did', async (t) => {
  const calls: string[][] = [];
  const poller = {
    isReady: () => true,
    rescan: async (image: string, _reason: string, options?: { readonly tags?: readonly string[] }): Promise<RescanResult> => {
      calls.push([...(options?.tags ?? [])]);
      return calls.length === 1 ? { image, changed: [], pending: ['1.5.0'] } : { image, changed: [{ watch: 'web', environment: 'default' }] };
    },
  };
  const fx = await startFixture(t, { poller });
  assert.equal((await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/distribution', headers, payload: event })).status, 202);
  // The rescanner logs "finished" when it arms no further run: from then on nothing can run again.
  await until(() => finished(fx.logs), { what: 'the re-scans to finish' });
  assert.deepEqual(calls, [['1.5.0'], ['1.5.0']], 'one run again, none after the tag was served');
});

test('retries are bounded: a tag that never appears costs the first run and six more', async (t) => {
  let runs = 0;
  const poller = { isReady: () => true, rescan: async (image: string): Promise<RescanResult> => (runs++, { image, changed: [], pending: ['1.5.0'] }) };
  const fx = await startFixture(t, { poller });
  assert.equal((await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/distribution', headers, payload: event })).status, 202);
  await until(() => finished(fx.logs), { what: 'the re-scans to give up' });
  assert.equal(runs, 1 + PENDING_RETRY_MS.length);
  assert.equal(PENDING_RETRY_MS.length, 6);
});

test('the real poller names the pushed tags it did not get as pending, and no others', async (t) => {
  const svc = await startVendorService(t, 'registry.example.com');
  const image = 'registry.example.com/acme/web';
  assert.deepEqual((await svc.poller.rescan(image, 'test', { tags: ['1.0.0'] }))?.pending, undefined);
  assert.deepEqual((await svc.poller.rescan(image, 'test', { tags: ['1.0.0', '9.9.9'] }))?.pending, ['9.9.9']);
  await svc.push('1.1.0');
  const moved = await svc.poller.rescan(image, 'test', { tags: ['1.1.0'] });
  assert.equal(moved?.pending, undefined);
  assert.equal(moved?.changed.length, 1);
});
