// A push webhook names its tag: when that tag would move a target, the scan asks for its manifest
// while the tag list is still on its way (src/poller/prefetch.ts, src/poller/scan.ts), with one GET
// by tag (the digest is the hash of what it receives) and then the config. Shown with a proxy that
// holds the tag list back until the request the early lookup makes arrives: without the early lookup
// that request only follows the tag list, so the hold runs out instead. When the registry does not
// serve the tag yet and the push named the manifest's digest, that manifest is fetched by digest.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage, tagManifest } from '../helpers/images.ts';
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

const holdTagsUntil = (proxy: GatedProxy, request: string, afterAwaited?: () => Promise<unknown>): void =>
  proxy.arm({ hold: /^GET \/v2\/acme\/web\/tags\/list/, until: new RegExp(`^${request.replaceAll('.', '\\.')}$`), maxHoldMs: MAX_HOLD_MS, ...(afterAwaited && { afterAwaited }) });

/** The requests sent since `mark`, without query strings, sorted. */
const sentSince = (proxy: GatedProxy, mark: number): string[] => proxy.seen.slice(mark).map((l) => l.split('?')[0]!).sort();

test('a pushed tag that would move a target is looked up while the tag list is still pending', async (t) => {
  const { reg, proxy, cache, poller, image } = await setUp(t, { semver: { range: '^1' } });
  const pushed = await pushImage(reg, 'acme/web', '1.2.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  holdTagsUntil(proxy, 'GET /v2/acme/web/manifests/1.2.0');
  const result = await poller.rescan(image, 'push event', { tags: ['1.2.0'] });
  assert.deepEqual(proxy.released, ['awaited'], `the manifest of 1.2.0 was asked for while the tag list was held; seen: ${proxy.seen.join(', ')}`);
  assert.deepEqual(result?.changed, [{ watch: 'web', environment: 'default' }]);
  assert.equal(cache.get('web', 'default')?.current?.digest, pushed.digest);
});

test('one GET by tag gives the digest and the manifest: the config follows it, without a HEAD or a second manifest GET', async (t) => {
  const { reg, proxy, cache, poller, image } = await setUp(t, { semver: { range: '^1' } });
  const pushed = await pushImage(reg, 'acme/web', '1.2.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  holdTagsUntil(proxy, `GET /v2/acme/web/blobs/${pushed.configDigest}`);
  const mark = proxy.seen.length;
  await poller.rescan(image, 'push event', { tags: ['1.2.0'] });
  assert.deepEqual(proxy.released, ['awaited'], `the config was asked for while the tag list was held; seen: ${proxy.seen.join(', ')}`);
  assert.deepEqual(sentSince(proxy, mark), [`GET /v2/acme/web/blobs/${pushed.configDigest}`, 'GET /v2/acme/web/manifests/1.2.0', 'GET /v2/acme/web/tags/list']);
  const current = cache.get('web', 'default')?.current;
  assert.equal(current?.digest, pushed.digest, 'the digest of the bytes received for the tag');
  assert.equal(current?.created, '2026-01-02T00:00:00Z');
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
  // The GET of 1.3.0 comes before the tag exists (404); the tag is pushed before the tag list goes on.
  holdTagsUntil(proxy, 'GET /v2/acme/web/manifests/1.3.0', async () => (pushed = await pushImage(reg, 'acme/web', '1.3.0', { created: '2026-01-03T00:00:00Z', label: 'c' })));
  const result = await poller.rescan(image, 'push event', { tags: ['1.3.0'] });
  assert.deepEqual(proxy.released, ['awaited']);
  assert.equal(proxy.seen.filter((l) => l === 'GET /v2/acme/web/manifests/1.3.0').length, 1);
  assert.equal(proxy.seen.filter((l) => l === 'HEAD /v2/acme/web/manifests/1.3.0').length, 1, 'the failed early lookup was not kept: the scan sent its own HEAD');
  assert.deepEqual(result?.changed, [{ watch: 'web', environment: 'default' }]);
  assert.equal(cache.get('web', 'default')?.current?.digest, pushed?.digest);
  assert.equal(cache.get('web', 'default')?.lastError, undefined, 'no error recorded');
});

test('the tag not served yet: the manifest digest the push named is fetched, with its config, before the tag list answers', async (t) => {
  const { reg, proxy, cache, poller, image } = await setUp(t, { semver: { range: '^1' } });
  // What a Distribution registry holds when it notifies: the manifest stored, the tag's link not yet written.
  const options = { created: '2026-01-03T00:00:00Z', label: 'c' };
  const stored = await pushImage(reg, 'acme/web', undefined, options);
  holdTagsUntil(proxy, `GET /v2/acme/web/blobs/${stored.configDigest}`, () => tagManifest(reg, 'acme/web', stored.digest, '1.3.0'));
  const result = await poller.rescan(image, 'push event', { tags: ['1.3.0'], digests: new Map([['1.3.0', stored.digest]]) });
  assert.deepEqual(proxy.released, ['awaited'], `the config came while the tag list was held; seen: ${proxy.seen.join(', ')}`);
  assert.ok(proxy.seen.includes('HEAD /v2/acme/web/manifests/1.3.0'), "the tag's digest still came from the registry");
  assert.deepEqual(result?.changed, [{ watch: 'web', environment: 'default' }]);
  assert.equal(cache.get('web', 'default')?.current?.digest, stored.digest);
});

test("a named digest is never taken for the tag: the registry's answer for the tag decides", async (t) => {
  const { reg, proxy, cache, poller, image } = await setUp(t, { semver: { range: '^1' } });
  // Another manifest in the repository, pushed by digest: a stale or wrong event names it for 1.3.0.
  const other = await pushImage(reg, 'acme/web', undefined, { created: '2026-01-05T00:00:00Z', label: 'other' });
  let pushed: Awaited<ReturnType<typeof pushImage>> | undefined;
  holdTagsUntil(proxy, `GET /v2/acme/web/manifests/${other.digest}`, async () => (pushed = await pushImage(reg, 'acme/web', '1.3.0', { created: '2026-01-03T00:00:00Z', label: 'c' })));
  await poller.rescan(image, 'push event', { tags: ['1.3.0'], digests: new Map([['1.3.0', other.digest]]) });
  assert.deepEqual(proxy.released, ['awaited'], 'the named digest was fetched');
  const current = cache.get('web', 'default')?.current;
  assert.equal(current?.digest, pushed?.digest, 'the tag resolves to the digest the registry names for it');
  assert.equal(current?.created, '2026-01-03T00:00:00Z', "and to that manifest's details");
});

test('a named digest is not fetched when the GET by tag answers', async (t) => {
  const { reg, proxy, poller, image } = await setUp(t, { semver: { range: '^1' } });
  const other = await pushImage(reg, 'acme/web', undefined, { created: '2026-01-05T00:00:00Z', label: 'other' });
  const pushed = await pushImage(reg, 'acme/web', '1.2.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  const mark = proxy.seen.length;
  await poller.rescan(image, 'push event', { tags: ['1.2.0'], digests: new Map([['1.2.0', other.digest]]) });
  assert.deepEqual(sentSince(proxy, mark), [`GET /v2/acme/web/blobs/${pushed.configDigest}`, 'GET /v2/acme/web/manifests/1.2.0', 'GET /v2/acme/web/tags/list']);
});
