// `check-config` reads what `verify:` points at: public keys (PEM, a supported key type) and keyless
// trust roots (a Sigstore trusted_root.json), run as a real process on files made by openssl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { makeKeyPair } from '../helpers/cosign.ts';
import { makeCa, trustedRoot } from '../helpers/test-ca.ts';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
let dir: string;
const file = (name: string) => join(dir, name);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'aip-check-verify-'));
  makeKeyPair(dir, 'good');
  execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', file('ed.pem')]);
  execFileSync('openssl', ['pkey', '-in', file('ed.pem'), '-pubout', '-out', file('ed.pub')]);
  execFileSync('openssl', ['ecparam', '-name', 'secp224r1', '-genkey', '-noout', '-out', file('p224.pem')]);
  execFileSync('openssl', ['pkey', '-in', file('p224.pem'), '-pubout', '-out', file('p224.pub')]);
  writeFileSync(file('cert.pub'), '-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n');
  writeFileSync(file('root.json'), trustedRoot([makeCa(dir, 'acme')], makeKeyPair(dir, 'rekor')));
  writeFileSync(file('broken-root.json'), '{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1", "tlogs": []}');
});

after(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, verify: Record<string, unknown>, environments: Record<string, unknown> = {}): string {
  const text = JSON.stringify({ registries: [{ host: 'ghcr.io' }], watches: [{ name: 'web', image: 'ghcr.io/acme/web', policy: { semver: { range: '>=1' } }, verify, environments }] });
  writeFileSync(file(name), text);
  return file(name);
}

const checkConfig = (path: string) => execa(process.execPath, [CLI, 'check-config', path], { reject: false });
const keyless = (root: string) => ({ issuer: 'https://issuer.test', subject: 'ci@acme.test', trustedRoot: { file: file(root) } });

test('usable keys and trust root: ok; a key file absent here is listed as not checked', async () => {
  const path = configFile('ok.json', { cosign: { publicKeys: [{ file: file('good.pub') }, { file: file('ed.pub') }, { file: file('absent.pub') }], keyless: keyless('root.json') } });
  const r = await checkConfig(path);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, `ok: 1 watch, 1 registry\nnot checked: watches[0].verify.cosign.publicKeys[2]: cannot read secret from file ${file('absent.pub')}: ENOENT`);
});

test('an unreadable key, an unsupported key type and a broken trust root are problems', async () => {
  const path = configFile('bad.json', { cosign: { publicKeys: [{ file: file('cert.pub') }], keyless: keyless('broken-root.json') } }, { prod: { verify: { cosign: { publicKeys: [{ file: file('p224.pub') }] } } } });
  const r = await checkConfig(path);
  assert.equal(r.exitCode, 1);
  assert.deepEqual(r.stdout.split('\n'), [
    `watches[0].verify.cosign.publicKeys[0]: file ${file('cert.pub')} is not a readable public key`,
    `watches[0].verify.cosign.keyless.trustedRoot: file ${file('broken-root.json')} is not a Sigstore trusted_root.json: it lists no certificateAuthorities (the Fulcio CA that issues signing certificates)`,
    `watches[0].environments.prod.verify.cosign.publicKeys[0]: file ${file('p224.pub')}: ECDSA curve secp224r1 is not supported (use P-256, P-384 or P-521)`,
  ]);
  assert.match(r.stderr, /bad\.json: 3 problems/);
});
