// Artifact Registry login end to end: google-auth-library's Application Default Credentials find the
// loopback metadata server (GKE Workload Identity's interface) through GCE_METADATA_HOST; its access
// token goes as the password of `oauth2accesstoken` to the real Distribution registry's token realm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../src/shared/clock.ts';
import type { RegistryAuth } from '../../src/config/types.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard } from '../helpers/images.ts';
import { startMetadataPeer, type MetadataPeer } from '../helpers/gce-metadata.ts';
import { registryConfig, testClient } from './support.ts';

// The SDK is loaded before the login's deadline starts (cloud-login-load.test.ts), but the first login
// still loads parts of the credential chain lazily and can take seconds on a busy machine; these tests
// are about the login's protocol, not its deadline.
const LOGIN_DEADLINE_MS = 60_000;

const HOST = 'europe-west1-docker.pkg.dev';
let reg: TestRegistry;
let peer: MetadataPeer;
let issued = 'ya29.' + randomUUID();
let dir: string;
before(async () => {
  reg = await startRegistry({ auth: 'token', tokenIssuer: { username: 'oauth2accesstoken', password: issued } });
  await seedStandard(reg);
  peer = await startMetadataPeer(() => issued);
  dir = await mkdtemp(join(tmpdir(), 'gcloud-'));
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  // no gcloud well-known credentials file: ADC falls through to the metadata server
  Object.assign(process.env, { GCE_METADATA_HOST: peer.host, CLOUDSDK_CONFIG: dir, METADATA_SERVER_DETECTION: 'ping-only' });
});
after(async () => {
  await peer.stop();
  await reg.stop();
  await rm(dir, { recursive: true, force: true });
});

function googleClient(auth: RegistryAuth = { kind: 'google' }) {
  const clock = manualClock(Date.now());
  const config = registryConfig(reg.url, { host: HOST, auth, authRealms: [new URL(reg.token!.realm).origin], timeoutMs: LOGIN_DEADLINE_MS });
  return { ...testClient(config, { clock }), clock };
}

test('Workload Identity: one metadata token (cloud-platform scope) serves every repository through the realm', async (t) => {
  const start = peer.tokenRequests().length;
  const { client, logs } = googleClient();
  t.after(() => client.close());
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  await Promise.all(['test/multi', 'test/app', 'test/multi'].map((r) => client.listTags(r)));
  assert.deepEqual(peer.tokenRequests().slice(start), ['https://www.googleapis.com/auth/cloud-platform']);
  const accounts = reg.token!.issuer.requests().filter((r) => r.account !== undefined).map((r) => r.account);
  assert.ok(accounts.length > 0 && accounts.every((a) => a === 'oauth2accesstoken'));
  assert.ok(!logs.text().includes(issued), 'the access token never reaches the logs');
});

test('renewed inside the margin before its hour ends; a revoked token gets one fresh one, then REG_AUTH names google', async (t) => {
  const { client, clock } = googleClient();
  t.after(() => client.close());
  const start = peer.tokenRequests().length;
  await client.listTags('test/app');
  // each step moves past the registry's 300 s tokens, so the realm is asked again with the cloud token
  clock.advance(54 * 60_000);
  await client.listTags('test/multi');
  assert.equal(peer.tokenRequests().length - start, 1, 'outside the margin: no new token');
  clock.advance(2 * 60_000);
  await client.listTags('test/app');
  assert.equal(peer.tokenRequests().length - start, 2, 'inside the 5-minute margin: renewed before expiry');

  issued = 'ya29.' + randomUUID();
  reg.token!.issuer.setPassword(issued);
  clock.advance(6 * 60_000);
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  assert.equal(peer.tokenRequests().length - start, 3, 'the refused token was replaced once');

  reg.token!.issuer.setPassword('revoked-' + randomUUID());
  clock.advance(6 * 60_000);
  await assert.rejects(client.listTags('test/multi'), (e: { code: string; message: string; details: Record<string, unknown> }) => {
    assert.equal(e.code, 'REG_AUTH');
    assert.match(e.message, /token realm refused the google credentials \(also after a fresh login\)/);
    assert.equal(e.details.provider, 'google');
    return true;
  });
  assert.equal(peer.tokenRequests().length - start, 4, 'exactly one retry with a fresh token');
  reg.token!.issuer.setPassword(issued);
});

test('a key file that is not a service account key is REG_AUTH naming google, never echoing the file', async (t) => {
  const keyFile = join(dir, 'key.json');
  await writeFile(keyFile, '{"type":"authorized_user","client_secret":"s3cr3t-value"}');
  const { client } = googleClient({ kind: 'google', keyFile: { file: keyFile } });
  t.after(() => client.close());
  await assert.rejects(client.listTags('test/app'), (e: { code: string; message: string }) => e.code === 'REG_AUTH' && /google login failed: .*not a service account key/.test(e.message) && !e.message.includes('s3cr3t'));
});
