// Artifact Registry login through Workload Identity Federation (a pod on EKS, AKS or on premises with a
// Kubernetes service account token trusted by a workload identity pool): google-auth-library's
// Application Default Credentials read the credential configuration GOOGLE_APPLICATION_CREDENTIALS
// names (`type: external_account`), trade the projected token at the STS `token_url` (the loopback
// Google STS peer), and the federated access token goes as the password of `oauth2accesstoken` to the
// real Distribution registry's token realm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard } from '../helpers/images.ts';
import { startGoogleStsPeer, type GoogleStsPeer } from '../helpers/google-sts.ts';
import { registryConfig, testClient } from './support.ts';

// the first login loads parts of the library lazily; the test is about the protocol, not the deadline
const LOGIN_DEADLINE_MS = 60_000;
const HOST = 'europe-west1-docker.pkg.dev';
const AUDIENCE = '//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/eks/providers/cluster-a';
const s: { reg?: TestRegistry; sts?: GoogleStsPeer; dir?: string; saved?: Record<string, string | undefined>; subject: string; issued: string } = { subject: 'eyJ.k8s-sa.' + randomUUID(), issued: 'ya29.federated.' + randomUUID() };

before(async () => {
  s.reg = await startRegistry({ auth: 'token', tokenIssuer: { username: 'oauth2accesstoken', password: s.issued } });
  await seedStandard(s.reg);
  s.sts = await startGoogleStsPeer({ audience: AUDIENCE, subjectToken: () => s.subject, accessToken: () => s.issued });
  s.dir = await mkdtemp(join(tmpdir(), 'gcp-wif-'));
  const tokenFile = join(s.dir, 'token');
  await writeFile(tokenFile, s.subject);
  // what `gcloud iam workload-identity-pools create-cred-config … --credential-source-file` writes
  const credentials = { type: 'external_account', audience: AUDIENCE, subject_token_type: 'urn:ietf:params:oauth:token-type:jwt', token_url: s.sts.tokenUrl, credential_source: { file: tokenFile } };
  await writeFile(join(s.dir, 'credential-configuration.json'), JSON.stringify(credentials));
  s.saved = { GOOGLE_APPLICATION_CREDENTIALS: process.env.GOOGLE_APPLICATION_CREDENTIALS, CLOUDSDK_CONFIG: process.env.CLOUDSDK_CONFIG, GCE_METADATA_HOST: process.env.GCE_METADATA_HOST };
  delete process.env.GCE_METADATA_HOST;
  Object.assign(process.env, { GOOGLE_APPLICATION_CREDENTIALS: join(s.dir, 'credential-configuration.json'), CLOUDSDK_CONFIG: s.dir });
});
after(async () => {
  for (const [k, v] of Object.entries(s.saved ?? {})) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  await s.sts?.stop();
  await s.reg?.stop();
  if (s.dir) await rm(s.dir, { recursive: true, force: true });
});

test('external_account: the projected token is exchanged once at the STS token_url, and the federated token serves every repository', async (t) => {
  const { client, logs } = testClient(registryConfig(s.reg!.url, { host: HOST, auth: { kind: 'google' }, authRealms: [new URL(s.reg!.token!.realm).origin], timeoutMs: LOGIN_DEADLINE_MS }));
  t.after(() => client.close());
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  await Promise.all(['test/multi', 'test/app'].map((r) => client.listTags(r)));
  assert.deepEqual(s.sts!.exchanges(), [{ audience: AUDIENCE, scope: 'https://www.googleapis.com/auth/cloud-platform', subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt', accepted: true }]);
  const accounts = s.reg!.token!.issuer.requests().filter((r) => r.account !== undefined).map((r) => r.account);
  assert.ok(accounts.length > 0 && accounts.every((a) => a === 'oauth2accesstoken'));
  assert.ok(!logs.text().includes(s.issued) && !logs.text().includes(s.subject), 'neither token reaches the logs');
});

test('a subject token the pool does not trust is REG_AUTH naming google', async (t) => {
  const saved = s.subject;
  s.subject = 'eyJ.rotated.' + randomUUID(); // the peer now expects another token than the file holds
  t.after(() => void (s.subject = saved));
  const { client } = testClient(registryConfig(s.reg!.url, { host: HOST, auth: { kind: 'google' }, authRealms: [new URL(s.reg!.token!.realm).origin], timeoutMs: LOGIN_DEADLINE_MS }));
  t.after(() => client.close());
  await assert.rejects(client.listTags('test/app'), (e: { code: string; message: string; details: Record<string, unknown> }) => e.code === 'REG_AUTH' && /google login failed/.test(e.message) && e.details.provider === 'google');
});
