// Azure Container Registry login end to end: @azure/identity's WorkloadIdentityCredential (AKS workload
// identity environment) at the loopback Entra ID peer over TLS, the Entra token traded at the ACR
// front's /oauth2/exchange for a refresh token, which the real Distribution registry's token realm takes
// as the password of 00000000-0000-0000-0000-000000000000 for the scopes the challenge asks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../src/shared/clock.ts';
import { ACR_USERNAME } from '../../src/registry/cloud/acr.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard } from '../helpers/images.ts';
import { startEntraPeer, type EntraPeer } from '../helpers/entra-peer.ts';
import { startAcrPeer, type AcrPeer } from '../helpers/acr-peer.ts';
import { registryConfig, testClient } from './support.ts';

// The SDK is loaded before the login's deadline starts (cloud-login-load.test.ts), but the first login
// still loads parts of the credential chain lazily and can take seconds on a busy machine; these tests
// are about the login's protocol, not its deadline.
const LOGIN_DEADLINE_MS = 60_000;

const HOST = 'acmeprod.azurecr.io';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';
let reg: TestRegistry;
let entra: EntraPeer;
let acr: AcrPeer;
let dir: string;
let honour = true;

before(async () => {
  reg = await startRegistry({ auth: 'token', tokenIssuer: { username: ACR_USERNAME, password: 'nothing-exchanged-yet-' + randomUUID() } });
  await seedStandard(reg);
  dir = await mkdtemp(join(tmpdir(), 'azure-wi-'));
  const assertion = 'eyJ.federated.' + randomUUID();
  await writeFile(join(dir, 'azure-identity-token'), assertion);
  entra = await startEntraPeer({ tenant: TENANT, clientId: CLIENT, assertion });
  acr = await startAcrPeer({ upstream: reg.url, service: HOST, accessTokens: () => entra.issued(), accept: (refresh) => reg.token!.issuer.setPassword(honour ? refresh : 'revoked-' + randomUUID()) });
  // what the AKS workload identity webhook injects
  Object.assign(process.env, { AZURE_AUTHORITY_HOST: entra.url, AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_FEDERATED_TOKEN_FILE: join(dir, 'azure-identity-token') });
});
after(async () => {
  await acr.stop();
  await entra.stop();
  await reg.stop();
  await rm(dir, { recursive: true, force: true });
});

function acrClient() {
  const clock = manualClock(Date.now());
  const config = registryConfig(acr.url, { host: HOST, auth: { kind: 'acr' }, authRealms: [new URL(reg.token!.realm).origin], timeoutMs: LOGIN_DEADLINE_MS });
  return { ...testClient(config, { clock }), clock };
}

test('workload identity → Entra token → /oauth2/exchange → refresh token at the realm: one exchange for every repository', async (t) => {
  const { client, logs } = acrClient();
  t.after(() => client.close());
  const start = acr.exchanges();
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  await Promise.all(['test/multi', 'test/app'].map((r) => client.listTags(r)));
  assert.equal(acr.exchanges() - start, 1);
  const accounts = reg.token!.issuer.requests().filter((r) => r.account !== undefined).map((r) => r.account);
  assert.ok(accounts.length > 0 && accounts.every((a) => a === ACR_USERNAME));
  assert.ok(!logs.text().includes(reg.token!.issuer.password), 'the refresh token never reaches the logs');
});

test('renewed inside the margin; a revoked refresh token gets one fresh exchange, then REG_AUTH names acr', async (t) => {
  const { client, clock } = acrClient();
  t.after(() => client.close());
  const start = acr.exchanges();
  await client.listTags('test/app');
  clock.advance(174 * 60_000);
  await client.listTags('test/multi');
  assert.equal(acr.exchanges() - start, 1, 'outside the margin of the 3 h refresh token');
  clock.advance(2 * 60_000);
  await client.listTags('test/app');
  assert.equal(acr.exchanges() - start, 2, 'inside the margin: renewed before expiry');

  reg.token!.issuer.setPassword('revoked-' + randomUUID());
  clock.advance(6 * 60_000);
  assert.equal((await client.listTags('test/app')).tags.length, 11, 'a fresh exchange replaced the revoked token');
  assert.equal(acr.exchanges() - start, 3);

  honour = false;
  t.after(() => void (honour = true));
  reg.token!.issuer.setPassword('revoked-' + randomUUID());
  clock.advance(6 * 60_000);
  await assert.rejects(client.listTags('test/multi'), (e: { code: string; message: string; details: Record<string, unknown> }) => {
    assert.equal(e.code, 'REG_AUTH');
    assert.match(e.message, /token realm refused the acr credentials \(also after a fresh login\)/);
    assert.equal(e.details.provider, 'acr');
    return true;
  });
  assert.equal(acr.exchanges() - start, 4, 'exactly one retry with a fresh token');
});
