// ECR login end to end: the AWS SDK's default chain (IRSA web identity) and STS AssumeRole against the
// loopback AWS peer, the authorization token then used on the real Distribution registry (Basic, as
// ECR asks). One login serves every repository until the renewal margin; a revoked token gets one
// fresh login, then REG_AUTH names the provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { manualClock } from '../../src/shared/clock.ts';
import type { RegistryAuth } from '../../src/config/types.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard } from '../helpers/images.ts';
import { startAwsPeer, type AwsPeer } from '../helpers/aws-peer.ts';
import { irsaEnvironment } from '../helpers/aws-env.ts';
import { setRegistryPassword } from '../helpers/htpasswd.ts';
import { registryConfig, testClient } from './support.ts';

// The SDK is loaded before the login's deadline starts (cloud-login-load.test.ts), but the first login
// still loads parts of the credential chain lazily and can take seconds on a busy machine; these tests
// are about the login's protocol, not its deadline.
const LOGIN_DEADLINE_MS = 60_000;

const IRSA_ROLE = 'arn:aws:iam::123456789012:role/argocd-image-plugins';
const CROSS_ROLE = 'arn:aws:iam::210987654321:role/image-reader';
const POD_ROLE = 'arn:aws:iam::123456789012:role/pod-identity';
const POD_TOKEN = 'eks-pod-identity-' + randomUUID();
const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const ECR: RegistryAuth = { kind: 'ecr', region: 'us-west-2', public: false, registryId: '123456789012' };

let reg: TestRegistry;
let peer: AwsPeer;
let password = '';
let cleanEnv: () => Promise<void>;
before(async () => {
  reg = await startRegistry({ auth: 'basic' });
  await seedStandard(reg);
  password = reg.basic!.password;
  const token = 'eyJ.irsa.' + randomUUID();
  peer = await startAwsPeer({ webIdentity: { token, roleArn: IRSA_ROLE }, podIdentity: { token: POD_TOKEN, roleArn: POD_ROLE }, assumable: [CROSS_ROLE], login: () => ({ username: reg.basic!.username, password }) });
  cleanEnv = await irsaEnvironment(peer.url, token, IRSA_ROLE);
});
after(async () => {
  await peer.stop();
  await reg.stop();
  await cleanEnv();
});

function ecrClient(auth: RegistryAuth = ECR, host = HOST) {
  const clock = manualClock(Date.now());
  const made = testClient(registryConfig(reg.url, { host, auth, timeoutMs: LOGIN_DEADLINE_MS }), { clock });
  return { ...made, clock };
}

test('IRSA: one STS web identity call and one GetAuthorizationToken in the host region serve every repository', async (t) => {
  const before = { sts: peer.sts().length, ecr: peer.ecr().length };
  const { client, logs } = ecrClient();
  t.after(() => client.close());
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  await Promise.all(['test/app', 'test/multi', 'test/app', 'test/multi'].map((r) => client.listTags(r)));
  const sts = peer.sts().slice(before.sts);
  const ecr = peer.ecr().slice(before.ecr);
  assert.deepEqual(sts.map((c) => [c.action, c.roleArn]), [['AssumeRoleWithWebIdentity', IRSA_ROLE]]);
  assert.deepEqual(ecr, [{ target: 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken', region: 'us-west-2', service: 'ecr', role: IRSA_ROLE }]);
  assert.ok(!logs.text().includes(password), 'the registry password never reaches the logs');
});

test('roleArn: the IRSA session assumes the cross-account role, whose credentials sign the ECR call', async (t) => {
  const before = { sts: peer.sts().length, ecr: peer.ecr().length };
  const { client } = ecrClient({ ...ECR, roleArn: CROSS_ROLE });
  t.after(() => client.close());
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  const sts = peer.sts().slice(before.sts);
  assert.deepEqual(sts.map((c) => [c.action, c.roleArn]), [['AssumeRoleWithWebIdentity', IRSA_ROLE], ['AssumeRole', CROSS_ROLE]]);
  assert.ok(sts[1]!.signedBy?.startsWith('ASIA'), 'AssumeRole is signed by the web identity session');
  assert.deepEqual(peer.ecr().slice(before.ecr).map((c) => c.role), [CROSS_ROLE]);
});

test('EKS Pod Identity: the SDK reads the container credentials endpoint with the pod token, and those credentials sign the login', async (t) => {
  const saved = { file: process.env.AWS_WEB_IDENTITY_TOKEN_FILE, role: process.env.AWS_ROLE_ARN };
  const tokenFile = join(dirname(saved.file!), 'eks-pod-identity-token');
  await writeFile(tokenFile, POD_TOKEN);
  delete process.env.AWS_WEB_IDENTITY_TOKEN_FILE;
  delete process.env.AWS_ROLE_ARN;
  Object.assign(process.env, { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${peer.url}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile });
  t.after(() => {
    delete process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    delete process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
    Object.assign(process.env, { AWS_WEB_IDENTITY_TOKEN_FILE: saved.file, AWS_ROLE_ARN: saved.role });
  });
  const before = { sts: peer.sts().length, ecr: peer.ecr().length };
  const { client } = ecrClient();
  t.after(() => client.close());
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  assert.equal(peer.sts().length, before.sts, 'no STS call: Pod Identity hands out the role credentials itself');
  assert.deepEqual(peer.ecr().slice(before.ecr).map((c) => [c.region, c.role]), [['us-west-2', POD_ROLE]]);
});

test('ECR Public: the ecr-public API in us-east-1', async (t) => {
  const before = peer.ecr().length;
  const { client } = ecrClient({ kind: 'ecr', region: 'us-east-1', public: true }, 'public.ecr.aws');
  t.after(() => client.close());
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  assert.deepEqual(peer.ecr().slice(before), [{ target: 'SpencerFrontendService.GetAuthorizationToken', region: 'us-east-1', service: 'ecr-public', role: IRSA_ROLE }]);
});

test('the token is renewed inside its margin (5 minutes before 12 h), not before and not at failure', async (t) => {
  const { client, clock } = ecrClient();
  t.after(() => client.close());
  const start = peer.ecr().length;
  await client.listTags('test/app');
  clock.advance(12 * 3600_000 - 6 * 60_000);
  await client.listTags('test/app');
  assert.equal(peer.ecr().length - start, 1, 'still inside the lifetime, outside the margin: no login');
  clock.advance(2 * 60_000);
  await client.listTags('test/app');
  assert.equal(peer.ecr().length - start, 2, 'inside the margin: one new login before expiry');
});

test('a revoked token gets one fresh login; a login the registry still refuses is REG_AUTH naming ecr', async (t) => {
  const { client } = ecrClient();
  t.after(() => client.close());
  const start = peer.ecr().length;
  await client.listTags('test/app');
  password = 'rotated-' + randomUUID();
  await setRegistryPassword(reg.dir, reg.basic!.username, password);
  assert.equal((await client.listTags('test/app')).tags.length, 11, 'the refused token is replaced by a fresh login');
  assert.equal(peer.ecr().length - start, 2);

  await setRegistryPassword(reg.dir, reg.basic!.username, 'revoked-' + randomUUID());
  await assert.rejects(client.listTags('test/app'), (e: { code: string; message: string; details: Record<string, unknown> }) => {
    assert.equal(e.code, 'REG_AUTH');
    assert.match(e.message, /registry refused the ecr credentials \(also after a fresh login\)/);
    assert.equal(e.details.provider, 'ecr');
    return true;
  });
  assert.equal(peer.ecr().length - start, 3, 'exactly one retry with a fresh token');
  await setRegistryPassword(reg.dir, reg.basic!.username, password);
});

test('a login the credential chain cannot make is REG_AUTH naming ecr and the failing call', async (t) => {
  const saved = process.env.AWS_ROLE_ARN;
  process.env.AWS_ROLE_ARN = 'arn:aws:iam::123456789012:role/not-trusted';
  t.after(() => void (process.env.AWS_ROLE_ARN = saved));
  const { client } = ecrClient();
  t.after(() => client.close());
  await assert.rejects(client.listTags('test/app'), (e: { code: string; message: string }) => e.code === 'REG_AUTH' && /ecr login failed: .*not authorized to perform sts:AssumeRoleWithWebIdentity/.test(e.message));
});
