// The client against the real CNCF Distribution 2.8 registry (Debian docker-registry) on loopback,
// seeded with the standard test images (test/helpers/images.ts) through the real push protocol.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard, pushIndex, pushImage, deleteManifest, type SeedEntry } from '../helpers/images.ts';
import { registryConfig, testClient } from './support.ts';

let reg: TestRegistry;
let seed: SeedEntry[];

before(async () => {
  reg = await startRegistry();
  seed = await seedStandard(reg);
});
after(() => reg.stop());

function client(t: TestContext) {
  const made = testClient(registryConfig(reg.url));
  t.after(() => made.client.close());
  return made.client;
}

test('lists every tag of a repository (one page on a registry that does not paginate)', async (t) => {
  const listing = await client(t).listTags('test/app');
  assert.deepEqual([...listing.tags].sort(), seed.filter((s) => s.repo === 'test/app').map((s) => s.tag).sort());
  assert.equal(listing.pages, 1);
  assert.equal(listing.complete, true);
});

test('HEAD gives the ground-truth digest and media type of every seeded tag (all four media types)', async (t) => {
  const c = client(t);
  const types = new Set<string>();
  for (const s of seed) {
    const head = await c.headManifest(s.repo, s.tag);
    assert.equal(head.digest, s.digest, `${s.repo}:${s.tag}`);
    assert.equal(head.mediaType, s.mediaType, `${s.repo}:${s.tag}`);
    types.add(head.mediaType);
  }
  assert.equal(types.size, 4);
  assert.equal(c.stats().requestsByStatus['200'], seed.length, 'one HEAD per tag, no GET fallback');
});

test('the alias tag resolves to the same digest as the tag it aliases', async (t) => {
  const c = client(t);
  assert.equal((await c.headManifest('test/app', 'stable')).digest, (await c.headManifest('test/app', '2.0.0')).digest);
});

test('describeImage: created and platform of single images, of both Docker and OCI types', async (t) => {
  const c = client(t);
  for (const s of seed.filter((x) => !x.mediaType.includes('index') && !x.mediaType.includes('list'))) {
    const d = await c.describeImage(s.repo, s.digest);
    assert.equal(d.created, s.created, `${s.repo}:${s.tag}`);
    assert.equal(d.isIndex, false);
    assert.equal(d.mediaType, s.mediaType);
    assert.deepEqual(d.platforms, [{ os: 'linux', architecture: 'amd64', digest: s.digest }]);
  }
});

test('describeImage: an index or manifest list lists its platforms and takes created from the first child', async (t) => {
  const c = client(t);
  for (const repo of ['test/multi', 'test/docker-multi']) {
    const s = seed.find((x) => x.repo === repo && x.tag === '1.0.0') ?? assert.fail(repo);
    const d = await c.describeImage(repo, s.digest);
    assert.equal(d.isIndex, true);
    assert.equal(d.mediaType, s.mediaType);
    assert.equal(d.created, s.created);
    assert.deepEqual(d.platforms.map((p) => [p.os, p.architecture, p.variant]), [['linux', 'amd64', undefined], ['linux', 'arm64', 'v8']]);
    for (const p of d.platforms) {
      const child = await c.describeImage(repo, p.digest);
      assert.equal(child.platforms[0]?.architecture, p.architecture, 'child config agrees with the index entry');
    }
  }
});

test('an attestation entry (unknown/unknown) is not a platform', async (t) => {
  const pushed = await pushIndex(reg, 'test/attested', '1.0.0', { created: '2026-04-01T00:00:00Z', platforms: [{ architecture: 'amd64' }, { architecture: 'arm64' }], attestation: true });
  assert.ok(pushed.attestationDigest);
  const d = await client(t).describeImage('test/attested', pushed.digest);
  assert.deepEqual(d.platforms.map((p) => p.digest), pushed.children.map((c) => c.digest));
  assert.equal(d.created, '2026-04-01T00:00:00Z');
});

test('unknown repository, tag and digest are REG_NOT_FOUND naming host and repository', async (t) => {
  const c = client(t);
  await assert.rejects(c.listTags('test/nope'), (e: { code: string; details: Record<string, unknown> }) => {
    assert.equal(e.code, 'REG_NOT_FOUND');
    assert.equal(e.details.host, reg.host);
    assert.equal(e.details.repository, 'test/nope');
    assert.equal(e.details.registryCode, 'NAME_UNKNOWN');
    return true;
  });
  await assert.rejects(c.headManifest('test/app', 'nope'), { code: 'REG_NOT_FOUND' });
  await assert.rejects(c.describeImage('test/app', 'sha256:' + '0'.repeat(64)), { code: 'REG_NOT_FOUND' });
});

test('a repository whose last tag was deleted lists as [] (Distribution answers tags: null)', async (t) => {
  const img = await pushImage(reg, 'test/emptied', 'only', { created: '2026-01-01T00:00:00Z' });
  const c = client(t);
  assert.deepEqual((await c.listTags('test/emptied')).tags, ['only']);
  await deleteManifest(reg, 'test/emptied', img.digest);
  assert.deepEqual(await c.listTags('test/emptied'), { tags: [], pages: 1, complete: true });
});

test('bad repository names and references are refused before any request', async (t) => {
  const c = client(t);
  await assert.rejects(c.listTags('../etc'), { code: 'REG_INVALID_REFERENCE' });
  await assert.rejects(c.headManifest('test/app', 'a b'), { code: 'REG_INVALID_REFERENCE' });
  await assert.rejects(c.describeImage('test/app', 'latest'), { code: 'REG_INVALID_REFERENCE' });
  assert.deepEqual(c.stats().requestsByStatus, {});
});

test('an aborted signal stops the call with the abort reason', async (t) => {
  const ac = new AbortController();
  ac.abort(new Error('poller stopping'));
  await assert.rejects(client(t).listTags('test/app', { signal: ac.signal }), /poller stopping/);
});

test('a stopped registry is REG_UNAVAILABLE after bounded retries', async (t) => {
  const down = await startRegistry();
  await down.stop();
  const { client: c, sleep } = testClient(registryConfig(down.url), { retry: { maxAttempts: 3 } });
  t.after(() => c.close());
  await assert.rejects(c.listTags('test/app'), (e: { code: string; details: Record<string, unknown>; cause: unknown }) => {
    assert.equal(e.code, 'REG_UNAVAILABLE');
    assert.equal(e.details.host, down.host);
    assert.equal(e.details.attempts, 3);
    assert.ok(e.cause, 'keeps the socket error as cause');
    return true;
  });
  assert.equal(sleep.calls.length, 2);
  assert.equal(c.stats().requestsByStatus.error, 3);
});
