// newestPush end to end: the scan reads the registry's push-time API (loopback peer of each vendor's
// published shape, test/helpers/push-api-peer.ts) and the real Distribution registry only for the
// chosen image's manifest and config (counted by the spec peer in front of it). The figures the
// docs state: cold ⌈tags / page size⌉ API pages + 2 registry requests, warm the pages and nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { startProtocolRegistry, type ProtocolRegistry } from '../helpers/protocol-registry.ts';
import { startPushApiPeer, type PeerTag, type PushApiPeer } from '../helpers/push-api-peer.ts';
import { parseConfig } from '../../src/config/parse.ts';
import type { Config } from '../../src/config/types.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { planRepositories } from '../../src/poller/plan.ts';
import { scanRepository } from '../../src/poller/scan.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';

const quiet = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
let reg: TestRegistry;
let oci: ProtocolRegistry;
let api: PushApiPeer;
const digests: Record<string, string> = {};

before(async () => {
  reg = await startRegistry();
  oci = await startProtocolRegistry({ upstream: reg.url });
  api = await startPushApiPeer();
  // built newest-first: by created time `old` is the newest build, but `fresh` was pushed last
  digests.old = (await pushImage(reg, 'team/app', 'old', { created: '2026-03-01T00:00:00Z' })).digest;
  digests.fresh = (await pushImage(reg, 'team/app', 'fresh', { created: '2026-01-01T00:00:00Z' })).digest;
});
after(async () => {
  await api?.stop();
  await oci?.stop();
  await reg?.stop();
});

/** 998 older tags on `old`'s image, `old` itself, and `fresh` pushed last: 1000 tags. */
function listing(): PeerTag[] {
  const base = Date.UTC(2026, 5, 1);
  const tags: PeerTag[] = [];
  for (let i = 0; i < 998; i++) tags.push({ tag: `build-${i}`, digest: digests.old!, pushedAt: new Date(base + i * 1000).toISOString() });
  tags.push({ tag: 'old', digest: digests.old!, pushedAt: new Date(base + 999_000).toISOString() });
  tags.push({ tag: 'fresh', digest: digests.fresh!, pushedAt: '2026-07-01T12:00:00.000Z' });
  return tags;
}

function config(registry: Record<string, unknown>, image: string): Config {
  const r = parseConfig({ registries: [{ ...registry, url: oci.url, insecure: true, apiUrl: api.url }], watches: [{ name: 'app', image, policy: { newestPush: {} } }] });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues));
  return r.config;
}

const KINDS = [
  { name: 'Docker Hub', registry: { host: 'docker.io' }, image: 'docker.io/team/app', pages: 10 },
  { name: 'Harbor', registry: { host: 'harbor.example', kind: 'harbor' }, image: 'harbor.example/team/app', pages: 1 },
  { name: 'Quay', registry: { host: 'quay.io' }, image: 'quay.io/team/app', pages: 10 },
];

for (const k of KINDS) {
  test(`${k.name}: newestPush picks the tag pushed last; cold ${k.pages} pages + 2 registry requests, warm the pages only`, async (t) => {
    api.setTags('team/app', listing());
    const cfg = config(k.registry, k.image);
    const cache = createResolutionCache();
    const metadata = createMetadataStore();
    const pool = createClientPool(cfg, { logger: quiet, clock: systemClock });
    t.after(() => pool.close());
    const [plan] = planRepositories(cfg);
    const scan = () => scanRepository({ client: pool.clientFor(plan!.registry), cache, metadata, clock: systemClock, logger: quiet, explain: true }, plan!);
    api.resetCounts();
    oci.resetCounts();

    const cold = await scan();
    const target = cold.targets[0]!;
    assert.equal(target.error, undefined, JSON.stringify(target.error));
    assert.equal(target.resolution?.tag, 'fresh');
    assert.equal(target.resolution?.digest, digests.fresh);
    assert.equal(target.resolution?.pushedAt, '2026-07-01T12:00:00.000Z');
    assert.match(target.verdicts.find((v) => v.outcome === 'selected')?.detail ?? '', /newest push, pushed 2026-07-01T12:00:00.000Z among 1000 candidates/);
    assert.equal(api.count(), k.pages, 'one request per page of the push-time API');
    assert.equal(oci.count({ method: 'GET', path: /tags\/list/ }), 0, 'no tags list: the push-time API is the listing');
    assert.equal(oci.count({ method: 'HEAD' }), 0, 'the API named the digest');
    assert.equal(oci.count(), 2, 'the manifest and config of the chosen image');

    api.resetCounts();
    oci.resetCounts();
    const warm = await scan();
    assert.equal(warm.targets[0]?.resolution?.tag, 'fresh');
    assert.equal(api.count(), k.pages);
    assert.equal(oci.count(), 0, 'nothing per tag once the digest and its details are known');
  });
}

test('a tag pushed later moves the resolution; its push time is what the images API and resolve show', async (t) => {
  const cfg = config({ host: 'quay.io' }, 'quay.io/team/app');
  const cache = createResolutionCache();
  const pool = createClientPool(cfg, { logger: quiet, clock: systemClock });
  t.after(() => pool.close());
  const [plan] = planRepositories(cfg);
  const metadata = createMetadataStore();
  const scan = () => scanRepository({ client: pool.clientFor(plan!.registry), cache, metadata, clock: systemClock, logger: quiet }, plan!);
  api.setTags('team/app', listing());
  assert.equal((await scan()).targets[0]?.resolution?.tag, 'fresh');
  // `old` is pushed again (re-tagged), now the latest push
  api.setTags('team/app', [...listing().filter((x) => x.tag !== 'old'), { tag: 'old', digest: digests.old!, pushedAt: '2026-08-01T00:00:00.000Z' }]);
  const moved = (await scan()).targets[0]!;
  assert.equal(moved.resolution?.tag, 'old');
  assert.equal(moved.moved, true);
  assert.equal(cache.get('app', 'default')?.current?.pushedAt, '2026-08-01T00:00:00.000Z');
});
