// The registry client's push-time listings against the loopback peers of each vendor API
// (test/helpers/push-api-peer.ts): every page read once, one request per page, push times and
// digests as the vendor reported them, and the bounds and origin rules of a tags list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPushApiPeer, type PeerTag, type PushApiPeer, type PushApiKind } from '../helpers/push-api-peer.ts';
import { registryConfig, testClient } from './support.ts';
import type { RegistryConfig } from '../../src/config/types.ts';

let peer: PushApiPeer;
before(async () => {
  peer = await startPushApiPeer();
});
after(() => peer?.stop());

const digest = (i: number): string => `sha256:${i.toString(16).padStart(64, '0')}`;
/** `n` tags pushed one minute apart, in a shuffled order so no API order is the push order by accident. */
function tags(n: number): PeerTag[] {
  const out: PeerTag[] = [];
  for (let i = 0; i < n; i++) out.push({ tag: `v${(i * 7919) % n}`, digest: digest(i + 1), pushedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() });
  return out;
}

interface Case {
  readonly kind: PushApiKind;
  readonly host: string;
  readonly repository: string;
  readonly pageSize: number;
}
const CASES: readonly Case[] = [
  { kind: 'dockerhub', host: 'docker.io', repository: 'team/app', pageSize: 100 },
  { kind: 'harbor', host: 'harbor.example', repository: 'team/sub/app', pageSize: 100 },
  { kind: 'quay', host: 'quay.io', repository: 'team/app', pageSize: 100 },
  { kind: 'acr', host: 'example.azurecr.io', repository: 'team/app', pageSize: 100 },
  { kind: 'gar', host: 'europe-docker.pkg.dev', repository: 'proj/repo/app', pageSize: 500 },
];

function config(c: Case, overrides: Partial<RegistryConfig> = {}): RegistryConfig {
  return registryConfig('http://127.0.0.1:9', { host: c.host, kind: c.kind, apiUrl: peer.url, insecure: true, ...overrides });
}

for (const c of CASES) {
  test(`${c.kind}: 1000 tags cost one request per page, with each tag's push time and digest`, async (t) => {
    const all = tags(1000);
    peer.setTags(c.repository, all);
    // GAR lists every image of its repository: another image's tags must not leak into this one
    if (c.kind === 'gar') peer.setTags('proj/repo/other', [{ tag: 'intruder', digest: digest(9), pushedAt: '2027-01-01T00:00:00.000Z' }]);
    peer.resetCounts();
    const { client } = testClient(config(c));
    t.after(() => client.close());
    const listing = await client.listPushTimes!(c.repository);
    // GAR pages over every image of the Artifact Registry repository: the other image's one entry counts too
    assert.equal(peer.count(c.kind), Math.ceil((c.kind === 'gar' ? 1001 : 1000) / c.pageSize));
    assert.equal(peer.count(), peer.count(c.kind), 'nothing else was asked');
    assert.equal(listing.complete, true);
    assert.equal(listing.tags.length, 1000);
    for (const want of all) {
      const got = listing.pushed?.get(want.tag);
      assert.deepEqual(got, { tag: want.tag, pushedAt: want.pushedAt, digest: want.digest }, want.tag);
    }
    assert.equal(listing.pushed?.has('intruder'), false);
  });
}

test('a page cap leaves the listing incomplete after exactly maxPages requests', async (t) => {
  const c = CASES[0]!;
  peer.setTags(c.repository, tags(450));
  peer.resetCounts();
  const { client } = testClient(config(c, { maxPages: 2 }));
  t.after(() => client.close());
  const listing = await client.listPushTimes!(c.repository);
  assert.equal(peer.count(), 2);
  assert.equal(listing.complete, false);
  assert.equal(listing.tags.length, 200);
});

test('Harbor gets the configured Basic credentials, Quay a Bearer token; Docker Hub without credentials asks anonymously', async (t) => {
  const secured = await startPushApiPeer({ authorization: `Basic ${Buffer.from('robot$ci:s3cret').toString('base64')}` });
  t.after(() => secured.stop());
  secured.setTags('team/app', tags(3));
  const env = { H_USER: 'robot$ci', H_PASS: 's3cret', QUAY_TOKEN: 'quay-oauth' };
  const harbor = testClient(registryConfig('http://127.0.0.1:9', { host: 'harbor.example', kind: 'harbor', apiUrl: secured.url, insecure: true, auth: { kind: 'basic', username: { env: 'H_USER' }, password: { env: 'H_PASS' } } }), { env });
  t.after(() => harbor.client.close());
  assert.equal((await harbor.client.listPushTimes!('team/app')).tags.length, 3);

  peer.setTags('team/app', tags(3));
  peer.resetCounts();
  const quay = testClient(registryConfig('http://127.0.0.1:9', { host: 'quay.io', apiUrl: peer.url, insecure: true, auth: { kind: 'token', token: { env: 'QUAY_TOKEN' } } }), { env });
  const hub = testClient(registryConfig('http://127.0.0.1:9', { host: 'docker.io', apiUrl: peer.url, insecure: true }), { env });
  t.after(() => Promise.all([quay.client.close(), hub.client.close()]));
  await quay.client.listPushTimes!('team/app');
  await hub.client.listPushTimes!('team/app');
  assert.deepEqual(peer.requests().map((r) => r.authorization), ['Bearer quay-oauth', undefined]);
});

test('a registry kind without a push-time API has no push-time listing', (t) => {
  const { client } = testClient(registryConfig('http://127.0.0.1:9', { host: 'ghcr.io' }));
  t.after(() => client.close());
  assert.equal(client.listPushTimes, undefined);
});

test('a next page on another origin is not followed: the listing is incomplete', async (t) => {
  const other = await startPushApiPeer({ nextOrigin: 'http://127.0.0.1:9' });
  t.after(() => other.stop());
  other.setTags('team/app', tags(150));
  const { client } = testClient(registryConfig('http://127.0.0.1:9', { host: 'docker.io', apiUrl: other.url, insecure: true }));
  t.after(() => client.close());
  const listing = await client.listPushTimes!('team/app');
  assert.equal(listing.complete, false);
  assert.equal(listing.tags.length, 100);
  assert.equal(other.count(), 1);
});
