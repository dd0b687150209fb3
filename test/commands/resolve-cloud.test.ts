// `resolve` through native cloud logins, as users run it: the built CLI, the AWS SDK at the loopback
// AWS peer (IRSA environment) and google-auth-library at the loopback metadata server, each token used
// on a real Distribution registry; the heading of each image names the provider that logged in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard, type SeedEntry } from '../helpers/images.ts';
import { startAwsPeer, type AwsPeer } from '../helpers/aws-peer.ts';
import { irsaEnvironment } from '../helpers/aws-env.ts';
import { startMetadataPeer, type MetadataPeer } from '../helpers/gce-metadata.ts';

const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;
const ECR_HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const GAR_HOST = 'europe-west1-docker.pkg.dev';
const ROLE = 'arn:aws:iam::123456789012:role/argocd-image-plugins';
const s: { ecrReg?: TestRegistry; garReg?: TestRegistry; aws?: AwsPeer; gce?: MetadataPeer; dir?: string; clean?: () => Promise<void>; ecrSeed?: SeedEntry[]; garSeed?: SeedEntry[] } = {};

before(async () => {
  s.ecrReg = await startRegistry({ auth: 'basic' });
  const issued = 'ya29.' + randomUUID();
  s.garReg = await startRegistry({ auth: 'token', tokenIssuer: { username: 'oauth2accesstoken', password: issued } });
  s.ecrSeed = await seedStandard(s.ecrReg);
  s.garSeed = await seedStandard(s.garReg);
  const token = 'eyJ.irsa.' + randomUUID();
  s.aws = await startAwsPeer({ webIdentity: { token, roleArn: ROLE }, login: () => s.ecrReg!.basic! });
  s.gce = await startMetadataPeer(() => issued);
  s.clean = await irsaEnvironment(s.aws.url, token, ROLE);
  s.dir = await mkdtemp(join(tmpdir(), 'aip-resolve-cloud-'));
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  Object.assign(process.env, { GCE_METADATA_HOST: s.gce.host, CLOUDSDK_CONFIG: s.dir, METADATA_SERVER_DETECTION: 'ping-only' });
});
after(async () => {
  await s.aws?.stop();
  await s.gce?.stop();
  await s.ecrReg?.stop();
  await s.garReg?.stop();
  await s.clean?.();
  if (s.dir) await rm(s.dir, { recursive: true, force: true });
});

test('resolve logs in to ECR and Artifact Registry natively and names the provider of each image', async () => {
  const realm = new URL(s.garReg!.token!.realm).origin;
  const config = [
    'registries:',
    `  - { host: ${ECR_HOST}, url: "${s.ecrReg!.url}", insecure: true, auth: { ecr: {} } }`,
    `  - { host: ${GAR_HOST}, url: "${s.garReg!.url}", insecure: true, authRealms: ["${realm}"], auth: { google: {} } }`,
    'watches:',
    `  - { name: api, image: ${ECR_HOST}/test/app, policy: { semver: { range: "^1" } } }`,
    `  - { name: web, image: ${GAR_HOST}/test/app, policy: { semver: { range: "^1" } } }`,
  ].join('\n');
  const file = join(s.dir!, 'config.yaml');
  await writeFile(file, config + '\n');
  const r = await execa(process.execPath, [CLI, 'resolve', '--config', file], { reject: false, env: process.env });
  assert.equal(r.exitCode, 0, String(r.stderr));
  const out = String(r.stdout);
  assert.match(out, new RegExp(`^# ${ECR_HOST}/test/app: \\d+ tags in 1 page\\(s\\) \\[auth: ecr\\]$`, 'm'));
  assert.match(out, new RegExp(`^# ${GAR_HOST}/test/app: \\d+ tags in 1 page\\(s\\) \\[auth: google\\]$`, 'm'));
  const ecrDigest = s.ecrSeed!.find((e) => e.repo === 'test/app' && e.tag === '1.10.0')!.digest;
  const garDigest = s.garSeed!.find((e) => e.repo === 'test/app' && e.tag === '1.10.0')!.digest;
  assert.ok(out.includes(`→ ${ECR_HOST}/test/app:1.10.0@${ecrDigest}`), out);
  assert.ok(out.includes(`→ ${GAR_HOST}/test/app:1.10.0@${garDigest}`), out);
  assert.equal(s.aws!.ecr().length, 1);
  assert.equal(s.gce!.tokenRequests().length, 1);
});

test('resolve with newestPush on ECR reads DescribeImages once and shows the push time and the provider, human and --json', async () => {
  // every tag pushed in seed order, then 1.9.0 pushed again last (a fresh image: its own digest)
  const seed = s.ecrSeed!.filter((e) => e.repo === 'test/app');
  const lastPushed = seed.find((e) => e.tag === '1.9.0')!;
  s.aws!.setImages('test/app', seed.map((e, i) => ({ tag: e.tag, digest: e.digest, pushedAt: e === lastPushed ? '2026-06-01T00:00:00.000Z' : new Date(Date.UTC(2026, 1, 1) + i * 60_000).toISOString() })));
  const config = ['registries:', `  - { host: ${ECR_HOST}, url: "${s.ecrReg!.url}", insecure: true, auth: { ecr: {} } }`, 'watches:', `  - { name: api, image: ${ECR_HOST}/test/app, policy: { newestPush: {} } }`].join('\n');
  const file = join(s.dir!, 'config-push.yaml');
  await writeFile(file, config + '\n');
  const calls = () => s.aws!.ecr().filter((c) => c.target.endsWith('.DescribeImages')).length;
  const before = calls();
  const human = await execa(process.execPath, [CLI, 'resolve', '--config', file], { reject: false, env: process.env });
  assert.equal(human.exitCode, 0, String(human.stderr));
  const out = String(human.stdout);
  assert.match(out, new RegExp(`^# ${ECR_HOST}/test/app: ${seed.length} tags in 1 page\\(s\\) \\[auth: ecr\\]$`, 'm'));
  assert.ok(out.includes(`→ ${ECR_HOST}/test/app:1.9.0@${lastPushed.digest}`), out);
  assert.match(out, /pushed 2026-06-01T00:00:00\.000Z/);
  assert.equal(calls() - before, 1, 'one DescribeImages page for the repository');

  const json = await execa(process.execPath, [CLI, 'resolve', '--json', '--config', file], { reject: false, env: process.env });
  assert.equal(json.exitCode, 0, String(json.stderr));
  const [report] = (JSON.parse(String(json.stdout)) as { reports: Array<{ auth: string; targets: Array<{ resolution: { tag: string; pushedAt: string } }> }> }).reports;
  assert.equal(report?.auth, 'ecr');
  assert.deepEqual([report?.targets[0]?.resolution.tag, report?.targets[0]?.resolution.pushedAt], ['1.9.0', '2026-06-01T00:00:00.000Z']);
});
