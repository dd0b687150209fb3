// TLS settings of a registry entry: a loopback HTTPS pass-through (node:https, certificate made with
// openssl for IP 127.0.0.1) in front of the real Distribution 2.8.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { registryConfig, testClient } from './support.ts';

let reg: TestRegistry;
let dir: string;
let server: Server;
let url: string;

before(async () => {
  reg = await startRegistry();
  await pushImage(reg, 'test/tls', '1.0.0', { created: '2026-01-01T00:00:00Z' });
  dir = await mkdtemp(join(tmpdir(), 'reg-tls-'));
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
  server = createServer({ key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) }, (req, res) => {
    request(reg.url + (req.url ?? '/'), { method: req.method === 'HEAD' ? 'HEAD' : 'GET', headers: { accept: req.headers.accept ?? '*/*' } })
      .then(async (up) => {
        const headers = Object.fromEntries(Object.entries(up.headers).filter(([k]) => !['connection', 'keep-alive', 'transfer-encoding'].includes(k)));
        res.writeHead(up.statusCode, headers as Record<string, string>);
        res.end(Buffer.from(await up.body.arrayBuffer()));
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await reg.stop();
  await rm(dir, { recursive: true, force: true });
});

test('an unknown certificate authority is REG_UNAVAILABLE, not retried, with the TLS error as cause', async (t) => {
  const { client, sleep } = testClient(registryConfig(url));
  t.after(() => client.close());
  await assert.rejects(client.listTags('test/tls'), (e: { code: string; details: Record<string, unknown>; cause: unknown }) => {
    assert.equal(e.code, 'REG_UNAVAILABLE');
    assert.match(String(e.details.code), /CERT|SELF_SIGNED/);
    assert.ok(e.cause);
    return true;
  });
  assert.equal(sleep.calls.length, 0);
});

test('caFile adds a trusted CA; insecure skips verification', async (t) => {
  const withCa = testClient(registryConfig(url, { caFile: join(dir, 'cert.pem') })).client;
  const insecure = testClient(registryConfig(url, { insecure: true })).client;
  t.after(() => Promise.all([withCa.close(), insecure.close()]));
  assert.deepEqual((await withCa.listTags('test/tls')).tags, ['1.0.0']);
  assert.deepEqual((await insecure.listTags('test/tls')).tags, ['1.0.0']);
});
