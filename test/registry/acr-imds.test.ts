// ACR login with a managed identity (an AKS node's kubelet identity, a VM's identity): @azure/identity's
// ManagedIdentityCredential, through MSAL, at the loopback IMDS token endpoint
// (AZURE_POD_IDENTITY_AUTHORITY_HOST), the token traded at the ACR front's /oauth2/exchange for a
// refresh token, which the real Distribution registry's realm takes for the scopes it challenges.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ACR_USERNAME } from '../../src/registry/cloud/acr.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard } from '../helpers/images.ts';
import { startImdsPeer, type ImdsPeer } from '../helpers/azure-imds.ts';
import { startAcrPeer, type AcrPeer } from '../helpers/acr-peer.ts';
import { registryConfig, testClient } from './support.ts';

// the first login loads parts of MSAL lazily; the test is about the protocol, not the deadline
const LOGIN_DEADLINE_MS = 60_000;
const HOST = 'acmeprod.azurecr.io';
const CLIENT = '99999999-8888-7777-6666-555555555555';
const CLEARED = ['AZURE_FEDERATED_TOKEN_FILE', 'AZURE_TENANT_ID', 'AZURE_AUTHORITY_HOST', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET', 'IMDS_ENDPOINT', 'IDENTITY_SERVER_THUMBPRINT'];
const s: { reg?: TestRegistry; imds?: ImdsPeer; acr?: AcrPeer; saved?: Record<string, string | undefined> } = {};

before(async () => {
  s.reg = await startRegistry({ auth: 'token', tokenIssuer: { username: ACR_USERNAME, password: 'nothing-exchanged-yet-' + randomUUID() } });
  await seedStandard(s.reg);
  s.imds = await startImdsPeer({ clientId: CLIENT });
  s.acr = await startAcrPeer({ upstream: s.reg.url, service: HOST, accessTokens: () => s.imds!.issued(), accept: (refresh) => s.reg!.token!.issuer.setPassword(refresh) });
  s.saved = Object.fromEntries([...CLEARED, 'AZURE_CLIENT_ID', 'AZURE_POD_IDENTITY_AUTHORITY_HOST'].map((k) => [k, process.env[k]]));
  for (const k of CLEARED) delete process.env[k];
  // a user-assigned identity, as on an AKS node (kubelet identity) or a VM
  Object.assign(process.env, { AZURE_POD_IDENTITY_AUTHORITY_HOST: s.imds.url, AZURE_CLIENT_ID: CLIENT });
});
after(async () => {
  for (const [k, v] of Object.entries(s.saved ?? {})) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  await s.acr?.stop();
  await s.imds?.stop();
  await s.reg?.stop();
});

test('managed identity: one IMDS token (Metadata header, ACR resource, the identity\'s client_id) and one exchange serve every repository', async (t) => {
  const { client, logs } = testClient(registryConfig(s.acr!.url, { host: HOST, auth: { kind: 'acr' }, authRealms: [new URL(s.reg!.token!.realm).origin], timeoutMs: LOGIN_DEADLINE_MS }));
  t.after(() => client.close());
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  await Promise.all(['test/multi', 'test/app'].map((r) => client.listTags(r)));
  const calls = s.imds!.calls();
  assert.deepEqual(calls.map((c) => [c.resource, c.clientId, c.apiVersion, c.metadata]), [['https://containerregistry.azure.net', CLIENT, '2018-02-01', true]]);
  assert.equal(s.acr!.exchanges(), 1);
  const accounts = s.reg!.token!.issuer.requests().filter((r) => r.account !== undefined).map((r) => r.account);
  assert.ok(accounts.length > 0 && accounts.every((a) => a === ACR_USERNAME));
  assert.ok(!logs.text().includes(s.imds!.issued()[0]!), 'the IMDS token never reaches the logs');
});

test('an identity the node does not have is REG_AUTH naming acr, with nothing exchanged', async (t) => {
  process.env.AZURE_CLIENT_ID = '00000000-1111-2222-3333-444444444444';
  t.after(() => void (process.env.AZURE_CLIENT_ID = CLIENT));
  const before = s.acr!.exchanges();
  const { client } = testClient(registryConfig(s.acr!.url, { host: HOST, auth: { kind: 'acr' }, authRealms: [new URL(s.reg!.token!.realm).origin], timeoutMs: LOGIN_DEADLINE_MS }));
  t.after(() => client.close());
  await assert.rejects(client.listTags('test/app'), (e: { code: string; message: string; details: Record<string, unknown> }) => e.code === 'REG_AUTH' && /acr login failed/.test(e.message) && e.details.provider === 'acr');
  assert.equal(s.acr!.exchanges(), before);
});
