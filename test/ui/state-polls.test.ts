// What twenty open status pages cost the service: the state they poll is rebuilt only when the
// service's state changes, so polls in between are 304s, however much time passes; a pushed tag
// (real registry, its push notification, the real poller) gives the pages a new state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Clock } from '../../src/shared/clock.ts';
import type { StateView } from '../../src/ui/types.ts';
import { send } from '../generator/socket.ts';
import { pushImage } from '../helpers/images.ts';
import { until } from '../helpers/until.ts';
import { startWebhookService } from '../helpers/webhook-service.ts';

const VIEWER = 'viewer-token-polls-51c2';

test('two polls an hour apart without a change get the same state (a 304); a pushed tag changes it', async (t) => {
  // The page's side runs on a clock the test moves ahead; the poller keeps the real one.
  let ahead = 0;
  const clock: Clock = { now: () => Date.now() + ahead };
  // An hour between scans: only the push (its notification, and the test's re-scan) makes the poller look again.
  const { svc, registry, poller, diagnostics } = await startWebhookService(t, {
    deps: { clock }, intervalSeconds: 3600,
    files: { viewer: VIEWER }, server: (dir) => ({ viewerTokenFile: join(dir, 'viewer') }),
  });

  const login = await send(svc.app, { method: 'POST', url: '/ui/api/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token: VIEWER }) });
  assert.equal(login.status, 204, login.text);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const poll = (etag?: string) => send(svc.app, { method: 'GET', url: '/ui/api/state', headers: { cookie, ...(etag && { 'if-none-match': etag }) } });
  const tagOf = (body: string) => (JSON.parse(body) as StateView).watches[0]!.environments[0]!.tag;

  const first = await poll();
  const etag = String(first.headers.etag);
  assert.equal(tagOf(first.text), '1.0.0');
  assert.equal((await poll(etag)).status, 304);
  ahead = 3_600_000;
  const hourLater = await poll(etag);
  assert.equal(hourLater.status, 304, 'an hour on the clock alone must not change the state');
  assert.equal(String(hourLater.headers.etag), etag);
  assert.equal((await poll()).text, first.text, 'nor rebuild it');

  await pushImage(registry, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'two' });
  // The registry's notification asks for this re-scan too; asking here as well keeps the test about
  // the page state, not about how soon a busy registry delivers it (test/webhooks/e2e.test.ts is).
  await poller.rescan(`${registry.host}/acme/web`, 'test: tag pushed');
  const moved = await until(async () => {
    const res = await poll(etag);
    return res.status === 200 && tagOf(res.text) === '1.1.0' ? res : undefined;
  }, { what: () => `the pushed tag in the polled state\n${diagnostics()}` });
  assert.notEqual(String(moved.headers.etag), etag);
  assert.equal((await poll(String(moved.headers.etag))).status, 304);
});
