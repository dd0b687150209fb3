// A push webhook names its tag: when that tag would move a target, the scan asks for its manifest
// while the tag list is still on its way (src/poller/prefetch.ts). Shown with a proxy that holds the
// tag list back until the named tag's HEAD arrives: without the early lookup the HEAD only follows
// the tag list, so the hold runs out instead.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { startGatedProxy, type GatedProxy } from '../helpers/gated-proxy.ts';
import { parseConfig } from '../../src/config/parse.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { createPoller } from '../../src/poller/poller.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';

const quiet = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
/** Bounds a hold the code under test fails to release; never reached when it behaves. */
const MAX_HOLD_MS = 20_000;

async function setUp(t: TestContext, policy: unknown) {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const proxy = await startGatedProxy(reg.url);
  t.after(() => proxy.stop());
  const parsed = parseConfig({ registries: [{ host: reg.host, url: proxy.url, insecure: true }], watches: [{ name: 'web', image: `${reg.host}/acme/web`, policy }], polling: { intervalSeconds: 3600 } });
  assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.issues));
  const cache = createResolutionCache();
  const pool = createClientPool(parsed.config, { logger: quiet, clock: systemClock });
  const poller = createPoller({ config: parsed.config, clientFor: (h) => pool.clientFor(h), cache, metadata: createMetadataStore(), clock: systemClock, logger: quiet });
  t.after(async () => {
    await poller.stop();
    await pool.close();
  });
  const image = `${reg.host}/acme/web`;
  await poller.rescan(image, 'first scan');
  assert.equal(cache.get('web', 'default')?.current?.tag, '1.1.0');
  return { reg, proxy, cache, poller, image };
}

const holdTagsUntilHeadOf = (proxy: GatedProxy, tag: string): void =>
  proxy.arm({ hold: /^GET \/v2\/acme\/web\/tags\/list/, until: new RegExp(`^HEAD /v2/acme/web/manifests/${tag.replaceAll('.', '\\.')}$`), maxHoldMs: MAX_HOLD_MS });

test('a pushed tag that would move a target is looked up while the tag list is still pending', async (t) => {
  const { reg, proxy, cache, poller, image } = await setUp(t, { semver: { range: '^1' } });
  const pushed = await pushImage(reg, 'acme/web', '1.2.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  holdTagsUntilHeadOf(proxy, '1.2.0');
  const result = await poller.rescan(image, 'push event', { tags: ['1.2.0'] });
  assert.deepEqual(proxy.released, ['awaited'], `the HEAD of 1.2.0 came while the tag list was held; seen: ${proxy.seen.join(', ')}`);
  assert.deepEqual(result?.changed, [{ watch: 'web', environment: 'default' }]);
  assert.equal(cache.get('web', 'default')?.current?.digest, pushed.digest);
});

test('a pushed tag no target would move to is not looked up at all', async (t) => {
  const { reg, proxy, cache, poller, image } = await setUp(t, { semver: { range: '^1' } });
  await pushImage(reg, 'acme/web', '1.0.9', { created: '2026-01-02T00:00:00Z', label: 'older' });
  await pushImage(reg, 'acme/web', 'nightly', { created: '2026-01-02T00:00:00Z', label: 'other' });
  const before = proxy.seen.length;
  const result = await poller.rescan(image, 'push event', { tags: ['1.0.9', 'nightly'] });
  assert.deepEqual(result?.changed, []);
  assert.deepEqual(proxy.seen.slice(before).map((l) => l.split('?')[0]), ['GET /v2/acme/web/tags/list'], 'only the tag list: nothing moved, nothing looked up');
  assert.equal(cache.get('web', 'default')?.current?.tag, '1.1.0');
});

test('an early lookup that fails (the tag is announced before it is served) is asked again once the tag list names the tag', async (t) => {
  const { reg, proxy, cache, poller, image } = await setUp(t, { semver: { range: '^1' } });
  let pushed: Awaited<ReturnType<typeof pushImage>> | undefined;
  // The HEAD of 1.3.0 comes before the tag exists (404); the tag is pushed before the tag list goes on.
  proxy.arm({ hold: /^GET \/v2\/acme\/web\/tags\/list/, until: /^HEAD \/v2\/acme\/web\/manifests\/1\.3\.0$/, maxHoldMs: MAX_HOLD_MS, afterAwaited: async () => (pushed = await pushImage(reg, 'acme/web', '1.3.0', { created: '2026-01-03T00:00:00Z', label: 'c' })) });
  const result = await poller.rescan(image, 'push event', { tags: ['1.3.0'] });
  assert.deepEqual(proxy.released, ['awaited']);
  assert.equal(proxy.seen.filter((l) => l === 'HEAD /v2/acme/web/manifests/1.3.0').length, 2, 'the failed early HEAD was not kept: the scan sent its own');
  assert.deepEqual(result?.changed, [{ watch: 'web', environment: 'default' }]);
  assert.equal(cache.get('web', 'default')?.current?.digest, pushed?.digest);
  assert.equal(cache.get('web', 'default')?.lastError, undefined, 'no error recorded');
});
