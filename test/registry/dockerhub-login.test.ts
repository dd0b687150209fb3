// Docker Hub push times of a private repository with the registry's user name and password: the hub
// API login (POST /v2/auth/token → a 10-minute JWT) at the loopback push-time peer, the token sent as
// Bearer to the tags API, kept for every repository, renewed inside its margin, replaced once when
// refused, then REG_AUTH naming the provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/shared/clock.ts';
import { startPushApiPeer, type PeerTag, type PushApiPeer } from '../helpers/push-api-peer.ts';
import { registryConfig, testClient } from './support.ts';

const USER = 'acme-ci';
const SECRET = 'dckr_pat_' + 'x'.repeat(27);
const env = { HUB_USER: USER, HUB_PASS: SECRET };
let peer: PushApiPeer;
before(async () => {
  peer = await startPushApiPeer({ hubLogin: { identifier: USER, secret: SECRET } });
  const tags: PeerTag[] = [1, 2, 3].map((i) => ({ tag: `v${i}`, digest: `sha256:${String(i).repeat(64)}`, pushedAt: `2026-0${i}-01T00:00:00.000Z` }));
  peer.setTags('acme/private', tags);
  peer.setTags('acme/other', tags);
});
after(() => peer?.stop());

function hubClient() {
  const clock = manualClock(Date.now());
  const config = registryConfig('http://127.0.0.1:9', { host: 'docker.io', apiUrl: peer.url, insecure: true, auth: { kind: 'basic', username: { env: 'HUB_USER' }, password: { env: 'HUB_PASS' } } });
  return { ...testClient(config, { env, clock }), clock };
}

test('one hub API login serves every repository: its token goes as Bearer, the password only to /v2/auth/token', async (t) => {
  const { client, logs } = hubClient();
  t.after(() => client.close());
  const start = peer.hub.logins();
  peer.resetCounts();
  const listing = await client.listPushTimes!('acme/private');
  await Promise.all([client.listPushTimes!('acme/other'), client.listPushTimes!('acme/private')]);
  assert.equal(listing.pushed?.get('v3')?.pushedAt, '2026-03-01T00:00:00.000Z');
  assert.equal(peer.hub.logins() - start, 1);
  const sent = peer.requests().map((r) => r.authorization ?? '');
  assert.ok(sent.length === 3 && sent.every((a) => peer.hub.valid(a)), 'every page carried the hub token');
  assert.ok(!logs.text().includes(SECRET) && !sent.some((a) => a.includes(SECRET)));
});

test('renewed inside its margin before the 10 minutes end, not before', async (t) => {
  const { client, clock } = hubClient();
  t.after(() => client.close());
  const start = peer.hub.logins();
  await client.listPushTimes!('acme/private');
  clock.advance(7 * 60_000);
  await client.listPushTimes!('acme/private');
  assert.equal(peer.hub.logins() - start, 1, 'outside the margin (2.5 minutes before expiry)');
  clock.advance(1 * 60_000);
  await client.listPushTimes!('acme/private');
  assert.equal(peer.hub.logins() - start, 2, 'inside the margin: a new login before expiry');
});

test('a revoked token gets one fresh login; refused again, REG_AUTH names the provider; a wrong password is REG_AUTH too', async (t) => {
  const { client } = hubClient();
  t.after(() => client.close());
  const start = peer.hub.logins();
  await client.listPushTimes!('acme/private');
  peer.hub.revokeAll();
  assert.equal((await client.listPushTimes!('acme/private')).tags.length, 3, 'the refused token was replaced');
  assert.equal(peer.hub.logins() - start, 2);

  // the password was rotated at Docker Hub but not in the Secret: the fresh login itself fails
  peer.hub.revokeAll();
  peer.hub.setSecret('rotated');
  t.after(() => peer.hub.setSecret(SECRET));
  await assert.rejects(client.listPushTimes!('acme/private'), (e: { code: string; message: string; details: Record<string, unknown> }) => {
    assert.equal(e.code, 'REG_AUTH');
    assert.match(e.message, /dockerhub-api login failed: Error: POST \/v2\/auth\/token answered 401 \(wrong user name or password \/ access token\)/);
    assert.equal(e.details.provider, 'dockerhub-api');
    return true;
  });
  assert.equal(peer.hub.logins() - start, 3, 'exactly one fresh login after the refusal');
});
