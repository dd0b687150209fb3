// What twenty open status pages cost the service: the state they poll is rebuilt only when the
// service's state changes, so polls in between are 304s, however much time passes; a pushed tag
// (real registry, its push notification, the real poller) gives the pages a new state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createClusterSource } from '../../src/clusters/source.ts';
import type { Config } from '../../src/config/types.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { createPoller, type Poller } from '../../src/poller/poller.ts';
import { buildService } from '../../src/server/app.ts';
import { systemClock, type Clock } from '../../src/shared/clock.ts';
import type { StateView } from '../../src/ui/types.ts';
import { mustParse, silentLogger, TOKEN, WEBHOOK_SECRET } from '../generator/fixture.ts';
import { listenOnce, send } from '../generator/socket.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { until } from '../helpers/until.ts';

const VIEWER = 'viewer-token-polls-51c2';

test('two polls an hour apart without a change get the same state (a 304); a pushed tag changes it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aip-ui-polls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'token'), TOKEN);
  writeFileSync(join(dir, 'viewer'), VIEWER);
  writeFileSync(join(dir, 'webhook-secret'), WEBHOOK_SECRET);
  const logger = silentLogger();
  // The page's side runs on a clock the test moves ahead; the poller keeps the real one.
  let ahead = 0;
  const clock: Clock = { now: () => Date.now() + ahead };
  const live: { config?: Config; poller?: Poller } = {};
  const cache = createResolutionCache();
  const clusters = createClusterSource({ config: () => live.config?.clusters, logger, clock });
  const svc = await buildService({
    logger, config: () => live.config, configError: () => undefined, cache, clusters, clock,
    poller: { isReady: () => live.poller?.isReady() ?? false, rescan: (image, reason) => live.poller!.rescan(image, reason) },
  });
  t.after(() => svc.app.close());
  const base = await listenOnce(svc.app);
  const registry = await startRegistry({ notifications: { url: `${base}/api/v1/webhooks/distribution`, headers: { Authorization: [`Bearer ${WEBHOOK_SECRET}`] } } });
  t.after(() => registry.stop());
  await pushImage(registry, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'one' });
  // An hour between scans: only the push (its notification, and the test's re-scan) makes the poller look again.
  const config = mustParse({
    server: { tokenFile: join(dir, 'token'), viewerTokenFile: join(dir, 'viewer'), webhooks: { secretFile: join(dir, 'webhook-secret') } },
    polling: { intervalSeconds: 3600 },
    registries: [{ host: registry.host, url: registry.url, insecure: true, requestsPerSecond: 100 }],
    watches: [{ name: 'web', image: `${registry.host}/acme/web`, policy: { semver: { range: '>=1.0.0' } } }],
    clusters: { static: [{ name: 'prod', server: 'https://prod:6443', labels: { environment: 'prod' } }] },
  });
  const pool = createClientPool(config, { logger, clock: systemClock });
  const poller = createPoller({ config, clientFor: (h) => pool.clientFor(h), cache, metadata: createMetadataStore(), clock: systemClock, logger });
  live.config = config;
  live.poller = poller;
  t.after(async () => {
    await poller.stop();
    await pool.close();
  });
  await poller.scanAll();

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
  }, { what: 'the pushed tag in the polled state' });
  assert.notEqual(String(moved.headers.etag), etag);
  assert.equal((await poll(String(moved.headers.etag))).status, 304);
});
