// Authenticated registries: the real Distribution 2.8 with bcrypt htpasswd (Basic), and with token auth
// backed by the loopback token issuer (Docker token spec). Secrets are read from files, as in production.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard, type SeedEntry } from '../helpers/images.ts';
import { registryConfig, testClient } from './support.ts';
import { manualClock } from '../../src/shared/clock.ts';
import type { RegistryAuth } from '../../src/config/types.ts';

let basicReg: TestRegistry;
let tokenReg: TestRegistry;
let seed: SeedEntry[];
let secrets: string;

before(async () => {
  [basicReg, tokenReg, secrets] = await Promise.all([startRegistry({ auth: 'basic' }), startRegistry({ auth: 'token' }), mkdtemp(join(tmpdir(), 'reg-secrets-'))]);
  [seed] = await Promise.all([seedStandard(tokenReg), seedStandard(basicReg)]);
});
after(async () => {
  await Promise.all([basicReg.stop(), tokenReg.stop()]);
  await rm(secrets, { recursive: true, force: true });
});

async function basicAuth(username: string, password: string): Promise<RegistryAuth> {
  const u = join(secrets, `u-${Math.random()}`);
  const p = join(secrets, `p-${Math.random()}`);
  await writeFile(u, username + '\n');
  await writeFile(p, password + '\n');
  return { kind: 'basic', username: { file: u }, password: { file: p } };
}

function make(t: TestContext, reg: TestRegistry, auth: RegistryAuth, extra: Parameters<typeof testClient>[1] = {}) {
  // the token issuer listens on its own port: another origin, so it is listed to receive credentials
  const authRealms = reg.token ? [new URL(reg.token.realm).origin] : [];
  const made = testClient(registryConfig(reg.url, { auth, authRealms }), extra);
  t.after(() => made.client.close());
  return made;
}

const digestOf = (repo: string, tag: string): string => seed.find((s) => s.repo === repo && s.tag === tag)?.digest ?? assert.fail(`${repo}:${tag}`);

test('Basic: good credentials list tags and resolve digests', async (t) => {
  const creds = basicReg.basic ?? assert.fail('no basic');
  const { client } = make(t, basicReg, await basicAuth(creds.username, creds.password));
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  const head = await client.headManifest('test/multi', 'latest');
  assert.equal(head.mediaType, 'application/vnd.oci.image.index.v1+json');
  // one 401 to learn the scheme, then credentials go with every request
  assert.equal(client.stats().requestsByStatus['401'], 1);
});

test('Basic: a wrong password or no credentials is REG_AUTH', async (t) => {
  const creds = basicReg.basic ?? assert.fail('no basic');
  const { client } = make(t, basicReg, await basicAuth(creds.username, 'wrong-password'));
  await assert.rejects(client.listTags('test/app'), (e: { code: string; details: Record<string, unknown> }) => {
    assert.equal(e.code, 'REG_AUTH');
    assert.equal(e.details.host, basicReg.host);
    assert.equal(e.details.repository, 'test/app');
    return true;
  });
  const anon = make(t, basicReg, { kind: 'none' }).client;
  await assert.rejects(anon.listTags('test/app'), /Basic credentials and none are configured/);
});

test('Basic: an unreadable credentials file is REG_AUTH naming the file, not a crash', async (t) => {
  const { client } = make(t, basicReg, { kind: 'basic', username: { file: join(secrets, 'missing') }, password: { file: join(secrets, 'missing') } });
  await assert.rejects(client.listTags('test/app'), (e: { code: string; message: string }) => e.code === 'REG_AUTH' && e.message.includes('missing'));
});

test('token: anonymous pull of a public repository, one token request per scope, reused across calls', async (t) => {
  const issuer = tokenReg.token?.issuer ?? assert.fail('no issuer');
  issuer.clearRequests();
  const { client } = make(t, tokenReg, { kind: 'none' });
  await client.listTags('test/app');
  await client.headManifest('test/app', 'latest');
  await client.describeImage('test/app', digestOf('test/app', 'latest'));
  await Promise.all([client.headManifest('test/multi', '1.0.0'), client.headManifest('test/multi', 'latest'), client.listTags('test/multi')]);
  const asked = issuer.requests().map((r) => r.scopes.join(' '));
  assert.deepEqual(asked, ['repository:test/app:pull', 'repository:test/multi:pull']);
  assert.ok(issuer.requests().every((r) => r.account === undefined && r.status === 200));
  // the 401 that taught us the realm is the only one
  assert.equal(client.stats().requestsByStatus['401'], 1);
});

test('token: credentials unlock a private repository; anonymous gets REG_AUTH insufficient_scope', async (t) => {
  const tok = tokenReg.token ?? assert.fail('no token');
  const { client } = make(t, tokenReg, await basicAuth(tok.username, tok.password));
  assert.deepEqual((await client.listTags('private/app')).tags, ['1.0.0']);
  assert.equal((await client.headManifest('private/app', '1.0.0')).digest, digestOf('private/app', '1.0.0'));
  const anon = make(t, tokenReg, { kind: 'none' }).client;
  await assert.rejects(anon.listTags('private/app'), (e: { code: string; details: Record<string, unknown> }) => {
    assert.equal(e.code, 'REG_AUTH');
    assert.equal(e.details.authError, 'insufficient_scope');
    assert.equal(e.details.repository, 'private/app');
    return true;
  });
});

test('token: a wrong password at the realm is REG_AUTH', async (t) => {
  const tok = tokenReg.token ?? assert.fail('no token');
  const { client } = make(t, tokenReg, await basicAuth(tok.username, 'nope'));
  await assert.rejects(client.listTags('test/app'), (e: { code: string; message: string }) => e.code === 'REG_AUTH' && /refused the configured credentials/.test(e.message));
});

test('token: a cached token is re-fetched once its expires_in has passed on the client clock', async (t) => {
  const issuer = tokenReg.token?.issuer ?? assert.fail('no issuer');
  issuer.setExpiresIn(30);
  t.after(() => issuer.setExpiresIn(300));
  issuer.clearRequests();
  const clock = manualClock(Date.now());
  const { client } = make(t, tokenReg, { kind: 'none' }, { clock });
  await client.listTags('test/app');
  clock.advance(10_000);
  await client.listTags('test/app');
  assert.equal(issuer.requests().length, 1, 'still fresh after 10 s');
  clock.advance(10_000); // 20 s: past 30 s minus the renewal margin
  await client.listTags('test/app');
  assert.equal(issuer.requests().length, 2, 'renewed before expiry');
  assert.equal(client.stats().requestsByStatus['401'], 1, 'renewal needs no 401 round trip');
});

test('secrets never reach the logs or error details', async (t) => {
  const tok = tokenReg.token ?? assert.fail('no token');
  const creds = basicReg.basic ?? assert.fail('no basic');
  const ok = make(t, tokenReg, await basicAuth(tok.username, tok.password));
  await ok.client.listTags('private/app');
  await ok.client.describeImage('private/app', digestOf('private/app', '1.0.0'));
  const bad = make(t, basicReg, await basicAuth(creds.username, creds.password + '-wrong'));
  const err = await bad.client.listTags('test/app').then(() => assert.fail('should fail'), (e: unknown) => e);
  const basicOk = make(t, basicReg, await basicAuth(creds.username, creds.password));
  await basicOk.client.listTags('test/app');
  const logs = ok.logs.text() + bad.logs.text() + basicOk.logs.text();
  assert.ok(ok.logs.records().some((r) => r.msg === 'registry token obtained'), 'the token fetch was logged');
  assert.ok(ok.logs.records().every((r) => r.module === 'registry' && r.registry === tokenReg.host));
  const errText = JSON.stringify({ message: (err as Error).message, details: (err as { details: unknown }).details });
  const basicB64 = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
  for (const secret of [tok.password, creds.password, basicB64, Buffer.from(`${tok.username}:${tok.password}`).toString('base64'), 'eyJ']) {
    assert.equal(logs.includes(secret), false, `log leaks ${secret.slice(0, 6)}…`);
    assert.equal(errText.includes(secret), false, `error leaks ${secret.slice(0, 6)}…`);
  }
});
