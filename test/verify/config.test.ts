// `verify:` in config.yaml: per watch and per environment, keys from files or environment variables,
// and every mistake named with its path and the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/parse.ts';

const KEY = { file: '/etc/cosign/cosign.pub' };

function config(watch: Record<string, unknown>): unknown {
  return {
    server: { tokenFile: '/etc/token' },
    registries: [{ host: 'ghcr.io' }],
    watches: [{ name: 'web', image: 'ghcr.io/acme/web', policy: { semver: { range: '>=1.0.0' } }, ...watch }],
  };
}

function issues(watch: Record<string, unknown>): string[] {
  const result = parseConfig(config(watch));
  assert.equal(result.ok, false, 'expected the config to be refused');
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
}

test('a watch verifies with its keys; an environment inherits them, replaces them or turns the gate off', () => {
  const result = parseConfig(config({
    verify: { cosign: { publicKeys: [KEY, { env: 'COSIGN_PUB' }] } },
    environments: { staging: {}, prod: { verify: { cosign: { publicKeys: [{ file: '/etc/prod.pub' }] } } }, lab: { verify: null } },
  }));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  const watch = result.config.watches[0]!;
  assert.deepEqual(watch.rule.verify, { cosign: { publicKeys: [KEY, { env: 'COSIGN_PUB' }] } });
  assert.deepEqual(watch.environments.staging!.verify, watch.rule.verify);
  assert.deepEqual(watch.environments.prod!.verify, { cosign: { publicKeys: [{ file: '/etc/prod.pub' }] } });
  assert.equal(watch.environments.lab!.verify, undefined);
});

test('no verify: no gate', () => {
  const result = parseConfig(config({}));
  assert.ok(result.ok);
  assert.equal(result.config.watches[0]!.rule.verify, undefined);
});

test('mistakes are named with the path and the fix', () => {
  assert.deepEqual(issues({ verify: { cosign: { publicKeys: [] } } }), ['watches[0].verify.cosign.publicKeys: list at least one public key, e.g. publicKeys: [{ file: /etc/cosign/cosign.pub }], or give keyless: { issuer, subject, trustedRoot }']);
  assert.deepEqual(issues({ verify: { cosign: { publicKeys: ['-----BEGIN PUBLIC KEY-----'] } } }), ['watches[0].verify.cosign.publicKeys[0]: secrets are never written in the config; use { file: /path/to/mounted/secret } or { env: VARIABLE_NAME }']);
  assert.deepEqual(issues({ verify: { cosgin: {} } }), ['watches[0].verify.cosgin: unknown key (did you mean "cosign"?)', 'watches[0].verify.cosign: missing; write cosign: { publicKeys: [{ file: /etc/cosign/cosign.pub }] } (or verify: null to turn the gate off)']);
  assert.deepEqual(issues({ verify: 'yes' }), ['watches[0].verify: expected { cosign: { publicKeys: [...] } } or null, got the string "yes"']);
  const many = Array.from({ length: 17 }, (_, i) => ({ file: `/k${i}.pub` }));
  assert.deepEqual(issues({ verify: { cosign: { publicKeys: many } } }), ['watches[0].verify.cosign.publicKeys: 17 keys; give at most 16']);
  assert.deepEqual(issues({ environments: { prod: { verify: { cosign: { publicKeys: [{ path: '/x' }] } } } } }), ['watches[0].environments.prod.verify.cosign.publicKeys[0].path: unknown key (allowed keys: file, env)', 'watches[0].environments.prod.verify.cosign.publicKeys[0]: give exactly one of file or env']);
});

test('keyless names an issuer, one of subject or subjectRegExp, and a trust root; with or without keys', () => {
  assert.deepEqual(issues({ verify: { cosign: { keyless: { issuer: 'https://token.actions.githubusercontent.com', subject: 'a', subjectRegExp: 'b' } } } }), [
    'watches[0].verify.cosign.keyless: give exactly one of subject (the exact identity) or subjectRegExp (a regular expression over it)',
    'watches[0].verify.cosign.keyless.trustedRoot: missing; write trustedRoot: { file: /etc/sigstore/trusted_root.json } (nothing is fetched at run time)',
  ]);
  const keyless = { issuer: 'https://issuer', subjectRegExp: '^https://github.com/acme/', trustedRoot: { file: '/etc/root.json' } };
  const result = parseConfig(config({ verify: { cosign: { keyless } } }));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  const spec = result.config.watches[0]!.rule.verify!.cosign;
  assert.deepEqual(spec.publicKeys, []);
  assert.equal(spec.keyless?.issuer, 'https://issuer');
  assert.equal(spec.keyless?.subjectRegExp?.source, '^https:\\/\\/github.com\\/acme\\/');
  assert.deepEqual(spec.keyless?.trustedRoot, { file: '/etc/root.json' });
  const both = parseConfig(config({ verify: { cosign: { publicKeys: [KEY], keyless: { ...keyless, subjectRegExp: undefined, subject: 'ci@acme.test' } } } }));
  assert.ok(both.ok, JSON.stringify(!both.ok && both.issues));
  assert.equal(both.config.watches[0]!.rule.verify!.cosign.keyless?.subject, 'ci@acme.test');
});
