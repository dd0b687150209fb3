// The poller's scan against the real Distribution registry on loopback (test/helpers/registry.ts),
// seeded through the push protocol; request counts through the spec paging peer in front of it
// (test/helpers/protocol-registry.ts, OCI distribution-spec "Listing Tags").
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard, deleteManifest, pushImage, type SeedEntry } from '../helpers/images.ts';
import { startProtocolRegistry, type ProtocolRegistry } from '../helpers/protocol-registry.ts';
import { parseConfig } from '../../src/config/parse.ts';
import type { Config } from '../../src/config/types.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { planRepositories } from '../../src/poller/plan.ts';
import { scanRepository } from '../../src/poller/scan.ts';
import { createPoller } from '../../src/poller/poller.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';

const quiet = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
let reg: TestRegistry;
let seed: SeedEntry[];
let peer: ProtocolRegistry;

before(async () => {
  reg = await startRegistry();
  seed = await seedStandard(reg);
  peer = await startProtocolRegistry({ upstream: reg.url, pageSize: 4 });
});
after(async () => {
  await peer?.stop();
  await reg?.stop();
});

function digestOf(repo: string, tag: string): string {
  const e = seed.find((s) => s.repo === repo && s.tag === tag);
  assert.ok(e, `${repo}:${tag} seeded`);
  return e.digest;
}

function config(host: string, url: string, watches: unknown[]): Config {
  const r = parseConfig({ registries: [{ host, url, insecure: true }], watches, polling: { intervalSeconds: 60 } });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues));
  return r.config;
}

function harness(cfg: Config) {
  const cache = createResolutionCache();
  const metadata = createMetadataStore();
  const pool = createClientPool(cfg, { logger: quiet, clock: systemClock });
  const scanAll = async () => {
    const reports = [];
    for (const plan of planRepositories(cfg)) reports.push(await scanRepository({ client: pool.clientFor(plan.registry), cache, metadata, clock: systemClock, logger: quiet }, plan));
    return reports;
  };
  return { cache, metadata, pool, scanAll };
}

/** A real poller over a config, stopped (with its clients) when the test ends. */
function runningPoller(t: TestContext, cfg: Config) {
  const cache = createResolutionCache();
  const pool = createClientPool(cfg, { logger: quiet, clock: systemClock });
  const poller = createPoller({ config: cfg, clientFor: (h) => pool.clientFor(h), cache, metadata: createMetadataStore(), clock: systemClock, logger: quiet });
  t.after(async () => {
    await poller.stop();
    await pool.close();
  });
  return { cache, poller };
}

test('semver, per-environment rules and pin modes resolve to the seeded digests', async (t) => {
  const cfg = config(reg.host, reg.url, [
    { name: 'app', image: `${reg.host}/test/app`, policy: { semver: { range: '>=1.0.0 <2' } }, environments: { staging: { policy: { semver: { range: '>=2.0.0-0' } } }, edge: { pin: 'digest' } } },
    { name: 'app_v', image: `${reg.host}/test/app`, policy: { semver: { range: '>=2.0.0' } }, pin: 'tag' },
  ]);
  const h = harness(cfg);
  t.after(() => h.pool.close());
  const [report] = await h.scanAll();
  assert.equal(report?.targets.length, 4);
  const get = (w: string, e: string) => h.cache.get(w, e)?.current;
  assert.equal(get('app', 'default')?.tag, '1.10.0', 'numeric semver order, not lexical');
  assert.equal(get('app', 'default')?.ref, `${reg.host}/test/app:1.10.0@${digestOf('test/app', '1.10.0')}`);
  assert.equal(get('app', 'staging')?.tag, 'v2.1.0', 'v prefix accepted; highest version wins');
  assert.equal(get('app', 'edge')?.ref, `${reg.host}/test/app@${digestOf('test/app', '1.10.0')}`);
  assert.equal(get('app_v', 'default')?.ref, `${reg.host}/test/app:v2.1.0`);
  assert.deepEqual(get('app', 'default')?.platforms, ['linux/amd64']);
});

test('one tags-list walk per repository per cycle, and no manifest requests when nothing moved', async (t) => {
  const watches = Array.from({ length: 12 }, (_, i) => ({ name: `w${i}`, image: `${peer.host}/test/app`, policy: { semver: { range: '>=1.0.0' } }, environments: { a: { pin: 'tag' }, b: { pin: 'digest' } } }));
  const cfg = config(peer.host, peer.url, watches);
  const h = harness(cfg);
  t.after(() => h.pool.close());
  peer.resetCounts();
  await h.scanAll();
  const pages = Math.ceil(seed.filter((s) => s.repo === 'test/app').length / 4);
  assert.equal(peer.count({ method: 'GET', path: /\/tags\/list$/ }), pages, 'one walk for 36 targets');
  assert.equal(peer.count({ method: 'HEAD' }), 1, 'one HEAD for the one selected tag');
  peer.resetCounts();
  await h.scanAll();
  assert.equal(peer.count({ method: 'GET', path: /\/tags\/list$/ }), pages);
  assert.equal(peer.count({ method: 'HEAD' }) + peer.count({ method: 'GET', path: /manifests|blobs/ }), 0, 'a steady cycle asks for no manifests');
});

test('a vanished tag never moves a resolution backwards; a newer tag moves it forwards', async (t) => {
  const local = await startRegistry();
  t.after(() => local.stop());
  const a = await pushImage(local, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const b = await pushImage(local, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  const cfg = config(local.host, local.url, [{ name: 'web', image: `${local.host}/acme/web`, policy: { semver: { range: '^1' } } }]);
  const h = harness(cfg);
  t.after(() => h.pool.close());
  await h.scanAll();
  assert.equal(h.cache.get('web', 'default')?.current?.digest, b.digest);
  await deleteManifest(local, 'acme/web', b.digest);
  const [r2] = await h.scanAll();
  const kept = h.cache.get('web', 'default');
  assert.equal(kept?.current?.tag, '1.1.0', 'not downgraded to 1.0.0');
  assert.match(r2?.targets[0]?.note ?? '', /kept 1\.1\.0/);
  assert.match(kept?.lastScan?.note ?? '', /no longer listed/);
  const c = await pushImage(local, 'acme/web', '1.2.0', { created: '2026-01-03T00:00:00Z', label: 'c' });
  await h.scanAll();
  assert.equal(h.cache.get('web', 'default')?.current?.digest, c.digest);
  assert.deepEqual(h.cache.get('web', 'default')?.history.map((x) => x.tag), ['1.1.0']);
  assert.notEqual(a.digest, c.digest);
});

test('a hold is an explicit rollback, recorded in the cache', async (t) => {
  const cfg = config(reg.host, reg.url, [{ name: 'app', image: `${reg.host}/test/app`, policy: { semver: { range: '>=1.0.0' } }, holds: { default: { tag: '1.9.0', reason: 'incident 42' } } }]);
  const h = harness(cfg);
  t.after(() => h.pool.close());
  await h.scanAll();
  const e = h.cache.get('app', 'default');
  assert.equal(e?.current?.tag, '1.9.0');
  assert.deepEqual(e?.held, { tag: '1.9.0', reason: 'incident 42' });
});

test('platforms: a multi-arch index satisfies arm64/v8 as arm64; a platform nobody builds is a clear error', async (t) => {
  const cfg = config(reg.host, reg.url, [
    { name: 'multi', image: `${reg.host}/test/multi`, policy: { semver: { range: '>=0.1.0' } }, platforms: ['linux/arm64'] },
    { name: 'amd', image: `${reg.host}/test/multi`, policy: { semver: { range: '>=0.1.0' } }, environments: { z: { platforms: ['linux/s390x'] } } },
  ]);
  const h = harness(cfg);
  t.after(() => h.pool.close());
  await h.scanAll();
  const multi = h.cache.get('multi', 'default')?.current;
  assert.equal(multi?.tag, '1.0.0');
  assert.equal(multi?.digest, digestOf('test/multi', '1.0.0'));
  assert.deepEqual([...(multi?.platforms ?? [])].sort(), ['linux/amd64', 'linux/arm64/v8']);
  const z = h.cache.get('amd', 'z');
  assert.equal(z?.current, undefined);
  assert.equal(z?.lastError?.code, 'POLICY_NO_PLATFORM');
});

test('newest build: created read only for filtered tags, cached by digest; a warm cycle reads none', async (t) => {
  const cfg = config(peer.host, peer.url, [{ name: 'nb', image: `${peer.host}/test/app`, policy: { newestBuild: {} }, filter: { include: '^(sha-|main-)' } }]);
  const h = harness(cfg);
  t.after(() => h.pool.close());
  peer.resetCounts();
  await h.scanAll();
  assert.equal(h.cache.get('nb', 'default')?.current?.tag, 'sha-3f2a9c1');
  assert.equal(peer.count({ method: 'HEAD' }), 2, 'only the two tags that pass the filter');
  assert.equal(peer.count({ method: 'GET', path: /\/blobs\// }), 2, 'one config blob per filtered digest');
  peer.resetCounts();
  await h.scanAll();
  assert.equal(peer.count({ method: 'HEAD' }) + peer.count({ method: 'GET', path: /manifests|blobs/ }), 0);
});

test('registry faults keep the last good resolution, marked with the error; recovery clears it', async (t) => {
  const cfg = config(peer.host, peer.url, [{ name: 'app', image: `${peer.host}/test/app`, policy: { semver: { range: '<2' } } }]);
  const h = harness(cfg);
  t.after(() => h.pool.close());
  await h.scanAll();
  const good = h.cache.get('app', 'default')?.current;
  assert.equal(good?.tag, '1.10.0');
  peer.addFault({ path: /tags\/list/, fault: { kind: 'status', status: 503 } });
  t.after(() => peer.clearFaults());
  await h.scanAll();
  const e = h.cache.get('app', 'default');
  assert.deepEqual(e?.current, good);
  assert.equal(e?.lastError?.code, 'REG_UNAVAILABLE');
  peer.clearFaults();
  await h.scanAll();
  assert.equal(h.cache.get('app', 'default')?.lastError, undefined);
});

test('the poller scans on start, answers a webhook-style rescan, and is ready once every target was checked', async (t) => {
  const local = await startRegistry();
  t.after(() => local.stop());
  await pushImage(local, 'acme/api', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'x' });
  const cfg = config(local.host, local.url, [{ name: 'api', image: `${local.host}/acme/api`, policy: { semver: { range: '^1' } } }]);
  const { cache, poller } = runningPoller(t, cfg);
  assert.equal(poller.isReady(), false);
  const changed = new Promise<void>((resolve) => cache.onChange(() => resolve()));
  poller.start();
  await changed;
  assert.equal(poller.isReady(), true);
  assert.equal(cache.get('api', 'default')?.current?.tag, '1.0.0');
  const pushed = await pushImage(local, 'acme/api', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'y' });
  const result = await poller.rescan(`${local.host}/acme/api`, 'push event');
  assert.deepEqual(result?.changed, [{ watch: 'api', environment: 'default' }]);
  assert.equal(cache.get('api', 'default')?.current?.digest, pushed.digest);
  assert.equal(await poller.rescan('example.invalid/unknown', 'push event'), undefined);
});

test('a re-pushed tag is looked up again when a push event names it, and only then', async (t) => {
  const local = await startRegistry();
  t.after(() => local.stop());
  const first = await pushImage(local, 'acme/stable', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'first build' });
  const cfg = config(local.host, local.url, [{ name: 'app', image: `${local.host}/acme/stable`, policy: { semver: { range: '^1' } } }]);
  const { cache, poller } = runningPoller(t, cfg);
  await poller.rescan(`${local.host}/acme/stable`, 'first scan');
  assert.equal(cache.get('app', 'default')?.current?.digest, first.digest);
  const second = await pushImage(local, 'acme/stable', '1.0.0', { created: '2026-01-02T00:00:00Z', label: 'rebuilt' });
  assert.notEqual(second.digest, first.digest);
  await poller.rescan(`${local.host}/acme/stable`, 'timer');
  assert.equal(cache.get('app', 'default')?.current?.digest, first.digest, 'an unchanged selection reuses the digest it knows (no request)');
  await poller.rescan(`${local.host}/acme/stable`, 'push event', { tags: ['1.0.0'] });
  assert.equal(cache.get('app', 'default')?.current?.digest, second.digest, 'the push event made it look again');
});

test('a spent request budget defers a scan to the next window: nothing recorded as failed', async (t) => {
  const cfg = parseConfig({
    registries: [{ host: reg.host, url: reg.url, insecure: true, requestBudget: 4 }],
    watches: [
      { name: 'app', image: `${reg.host}/test/app`, policy: { semver: { range: '^1' } } },
      { name: 'docker', image: `${reg.host}/test/docker`, policy: { semver: { range: '^1' } } },
    ],
  });
  assert.ok(cfg.ok);
  const h = harness(cfg.config);
  t.after(() => h.pool.close());
  // A first scan needs the tags list, a HEAD, the manifest and its config: four requests, so a
  // window of four holds one repository's first scan.
  const first = await h.scanAll();
  assert.deepEqual(first.map((r) => r.deferred ?? false), [false, true]);
  assert.equal(h.cache.get('app', 'default')?.current?.tag, '1.10.0');
  assert.equal(h.cache.get('docker', 'default'), undefined, 'the deferred one is neither resolved nor marked failed');
  h.pool.clientFor(reg.host).resetBudget();
  const docker = planRepositories(cfg.config).find((p) => p.image.endsWith('/test/docker'));
  assert.ok(docker);
  await scanRepository({ client: h.pool.clientFor(reg.host), cache: h.cache, metadata: h.metadata, clock: systemClock, logger: quiet }, docker);
  assert.equal(h.cache.get('docker', 'default')?.current?.tag, '1.1.0');
  assert.equal(h.cache.get('docker', 'default')?.lastError, undefined);
});
