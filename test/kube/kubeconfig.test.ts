// Kubeconfig files read as kubectl reads them: relative file references against the file's own
// directory, a ':'-separated KUBECONFIG merged (first definition of a name wins, current-context from
// the first file that sets it, missing files skipped), and tls-server-name checked against a real
// TLS server (node:https with openssl-made CA, server and client certificates).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKubeClient } from '../../src/kube/client.ts';
import { kubeconfigConnection, resolveConnection } from '../../src/kube/connection.ts';
import { isAppError } from '../../src/shared/errors.ts';

const run = promisify(execFile);
let dir: string;
let server: Server;
let port: number;
const seen: { servername: unknown; client: unknown }[] = [];

/** A key and a certificate signed by the test CA (`ca` signs itself). */
async function issue(name: string, subject: string, ext: string): Promise<void> {
  const pki = join(dir, 'pki');
  const key = join(pki, `${name}.key`);
  await run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${subject}`, '-keyout', key, '-out', join(pki, `${name}.csr`)]);
  writeFileSync(join(pki, `${name}.ext`), ext);
  const signer = name === 'ca' ? ['-signkey', key] : ['-CA', join(pki, 'ca.crt'), '-CAkey', join(pki, 'ca.key'), '-CAcreateserial'];
  await run('openssl', ['x509', '-req', '-days', '1', '-in', join(pki, `${name}.csr`), ...signer, '-extfile', join(pki, `${name}.ext`), '-out', join(pki, `${name}.crt`)]);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  mkdirSync(join(dir, 'pki'));
  await issue('ca', 'test-ca', 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign\n');
  await issue('server', 'kube.internal', 'subjectAltName=DNS:kube.internal\n');
  await issue('client', 'reader', 'extendedKeyUsage=clientAuth\n');
  const pem = (name: string): Buffer => readFileSync(join(dir, 'pki', name));
  server = createServer({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const socket = req.socket as TLSSocket;
    seen.push({ servername: socket.servername, client: socket.getPeerCertificate().subject?.CN });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ kind: 'SecretList', metadata: {}, items: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a kubeconfig under `dir/<sub>/config` (so its relative paths start elsewhere than the cwd). */
function kubeconfig(sub: string, lines: readonly string[]): string {
  mkdirSync(join(dir, sub), { recursive: true });
  const file = join(dir, sub, 'config');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function tlsConfig(sub: string, serverName: string | undefined): string {
  return kubeconfig(sub, [
    'current-context: lab',
    'clusters:', '- name: lab', '  cluster:', `    server: https://127.0.0.1:${port}`, '    certificate-authority: ../pki/ca.crt',
    ...(serverName === undefined ? [] : [`    tls-server-name: ${serverName}`]),
    'users:', '- name: reader', '  user:', '    client-certificate: ../pki/client.crt', '    client-key: ../pki/client.key',
    'contexts:', '- name: lab', '  context: { cluster: lab, user: reader }',
  ]);
}

test('relative certificate files resolve against the kubeconfig directory; tls-server-name is sent and checked', async (t) => {
  const kube = createKubeClient(kubeconfigConnection(tlsConfig('named', 'kube.internal')));
  t.after(() => kube.close());
  assert.deepEqual(await kube.listSecrets('argocd', ''), []);
  assert.deepEqual(seen.at(-1), { servername: 'kube.internal', client: 'reader' });

  // Without it the certificate (made for kube.internal) does not match 127.0.0.1, as with kubectl.
  const plain = createKubeClient(kubeconfigConnection(tlsConfig('unnamed', undefined)));
  t.after(() => plain.close());
  await assert.rejects(plain.listSecrets('argocd', ''), (err: unknown) => isAppError(err) && err.code === 'KUBE_UNAVAILABLE' && /kube\.internal|altnames/i.test(err.message));
});

test('a KUBECONFIG list is merged with kubectl rules: first definition of a name wins, missing files skipped', () => {
  writeFileSync(join(dir, 'token-b'), 'from-b\n');
  const a = kubeconfig('a', [
    'clusters:', '- name: shared', '  cluster: { server: "https://first.example" }',
    'contexts:', '- name: main', '  context: { cluster: shared, user: u }',
  ]);
  const b = kubeconfig('b', [
    'current-context: main',
    'clusters:', '- name: shared', '  cluster: { server: "https://second.example" }',
    'users:', '- name: u', '  user: { tokenFile: ../token-b }',
    'contexts:', '- name: main', '  context: { cluster: other, user: nobody }',
  ]);
  const c = kubeconfig('c', ['current-context: elsewhere', 'users:', '- name: u', '  user: { token: from-c }']);
  const connection = resolveConnection({ env: { KUBECONFIG: `${a}::${join(dir, 'missing')}:${b}:${c}:${a}` } });
  assert.equal(connection.server, 'https://first.example');
  assert.equal(connection.token?.(), 'from-b');

  assert.throws(() => resolveConnection({ env: { KUBECONFIG: `${join(dir, 'missing')}:${join(dir, 'gone')}` } }), /KUBECONFIG names no file that exists/);
  assert.throws(() => resolveConnection({ kubeconfig: join(dir, 'missing'), env: {} }), /cannot read kubeconfig .*missing: ENOENT/);
});
