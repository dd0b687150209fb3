// Credentials stay with their registry. The real Distribution 2.8 with token auth names its realm: the
// loopback token issuer (test/helpers/token-issuer.ts) on another port, so another origin. Without
// `authRealms` the configured credentials never reach it (the realm is asked anonymously); with the
// realm's origin listed they do. An HTTPS pass-through (node:https, openssl certificate for 127.0.0.1)
// in front of the same registry shows the plain-HTTP realm refused unless listed.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { registryConfig, testClient } from './support.ts';
import type { RegistryAuth, RegistryConfig } from '../../src/config/types.ts';
import { parseConfig } from '../../src/config/parse.ts';

let reg: TestRegistry;
let dir: string;
let tls: Server;
let tlsUrl: string;

before(async () => {
  reg = await startRegistry({ auth: 'token' });
  await pushImage(reg, 'private/app', '1.0.0', { created: '2026-01-01T00:00:00Z' });
  dir = await mkdtemp(join(tmpdir(), 'reg-realm-'));
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
  tls = createServer({ key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) }, (req, res) => {
    const headers: Record<string, string> = { accept: req.headers.accept ?? '*/*' };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    request(reg.url + (req.url ?? '/'), { method: req.method === 'HEAD' ? 'HEAD' : 'GET', headers })
      .then(async (up) => {
        const out = Object.fromEntries(Object.entries(up.headers).filter(([k]) => !['connection', 'keep-alive', 'transfer-encoding'].includes(k)));
        res.writeHead(up.statusCode, out as Record<string, string>);
        res.end(Buffer.from(await up.body.arrayBuffer()));
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
});
after(async () => {
  tls?.closeAllConnections();
  await new Promise<void>((r) => (tls ? tls.close(() => r()) : r()));
  await reg?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function credentials(): Promise<RegistryAuth> {
  const tok = reg.token ?? assert.fail('no token auth');
  await writeFile(join(dir, 'user'), tok.username);
  await writeFile(join(dir, 'password'), tok.password);
  return { kind: 'basic', username: { file: join(dir, 'user') }, password: { file: join(dir, 'password') } };
}

const realmOrigin = (): string => new URL(reg.token!.realm).origin;

function client(t: TestContext, config: RegistryConfig) {
  const made = testClient(config);
  t.after(() => made.client.close());
  return made;
}

test('a realm on another origin gets no credentials unless authRealms lists it', async (t) => {
  const issuer = reg.token!.issuer;
  issuer.clearRequests();
  const withheld = client(t, registryConfig(reg.url, { auth: await credentials() }));
  await assert.rejects(withheld.client.listTags('private/app'), (e: { code: string }) => e.code === 'REG_AUTH');
  assert.ok(issuer.requests().length > 0, 'the realm was asked');
  assert.deepEqual(issuer.requests().map((r) => r.account), issuer.requests().map(() => undefined), 'every request to the realm was anonymous');
  assert.ok(withheld.logs.records().some((r) => r.level === 40 && String(r.msg).includes('authRealms')), 'the withheld credentials are logged with the fix');

  issuer.clearRequests();
  const listed = client(t, registryConfig(reg.url, { auth: await credentials(), authRealms: [realmOrigin()] }));
  assert.deepEqual((await listed.client.listTags('private/app')).tags, ['1.0.0']);
  assert.ok(issuer.requests().some((r) => r.account === reg.token!.username), 'the listed realm received the credentials');
});

test('an https registry refuses a plain-http realm unless authRealms lists it', async (t) => {
  const ca = join(dir, 'cert.pem');
  const refused = client(t, registryConfig(tlsUrl, { auth: await credentials(), caFile: ca }));
  await assert.rejects(refused.client.listTags('private/app'), (e: { code: string; message: string }) => e.code === 'REG_AUTH' && /authRealms/.test(e.message));
  const allowed = client(t, registryConfig(tlsUrl, { auth: await credentials(), caFile: ca, authRealms: [realmOrigin()] }));
  assert.deepEqual((await allowed.client.listTags('private/app')).tags, ['1.0.0']);
});

test('config: authRealms takes origins; docker.io trusts auth.docker.io by default', () => {
  const ok = parseConfig({ registries: [{ host: 'registry.example', authRealms: ['https://auth.example', 'http://10.0.0.5:8080'] }], watches: [{ name: 'a', image: 'nginx', policy: { semver: { range: '^1' } } }] });
  assert.ok(ok.ok);
  assert.deepEqual(ok.config.registries.find((r) => r.host === 'registry.example')?.authRealms, ['https://auth.example', 'http://10.0.0.5:8080']);
  assert.deepEqual(ok.config.registries.find((r) => r.host === 'docker.io')?.authRealms, ['https://auth.docker.io']);
  const bad = parseConfig({ registries: [{ host: 'registry.example', authRealms: ['auth.example', 'https://auth.example/token', 'ftp://x'] }], watches: [] });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.issues.map((i) => i.path).filter((p) => p.startsWith('registries')), ['registries[0].authRealms[0]', 'registries[0].authRealms[1]', 'registries[0].authRealms[2]']);
});
