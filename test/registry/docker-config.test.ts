// Docker config files as pull Secrets hold them: the docker CLI's key matching (scheme and path
// dropped, Docker Hub's `https://index.docker.io/v1/`), `auth` vs username + password, and refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostOfKey, parseDockerConfig, type DockerLogin } from '../../src/registry/docker-config.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function loginFor(config: unknown, host: string): DockerLogin | string | undefined {
  const r = parseDockerConfig(JSON.stringify(config));
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.logins.get(host);
}

test('keys name hosts as the docker CLI does: scheme and path dropped, Docker Hub aliases, ports kept', () => {
  assert.equal(hostOfKey('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(hostOfKey('registry-1.docker.io'), 'docker.io');
  assert.equal(hostOfKey('docker.io'), 'docker.io');
  assert.equal(hostOfKey('https://Registry.Example:5000/v2/'), 'registry.example:5000');
  assert.equal(hostOfKey('http://127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(hostOfKey('registry.example/team/app'), 'registry.example');
  assert.notEqual(hostOfKey('registry.example:5000'), 'registry.example', 'another port is another registry');
});

test('Docker Hub credentials under https://index.docker.io/v1/ serve docker.io; auth decodes to user:password', () => {
  const config = { auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') }, 'ghcr.io': { username: 'octo', password: 'ghp_x' } } };
  assert.deepEqual(loginFor(config, 'docker.io'), { username: 'hubuser', password: 'hub:pass' });
  assert.deepEqual(loginFor(config, 'ghcr.io'), { username: 'octo', password: 'ghp_x' });
  assert.equal(loginFor(config, 'quay.io'), undefined);
});

test('several keys for one host: the exact host wins, then a URL without a path, then a key with a path', () => {
  const auths = { 'registry.example/team': { auth: b64('path:p') }, 'https://registry.example': { auth: b64('url:p') }, 'registry.example': { auth: b64('exact:p') } };
  assert.equal((loginFor({ auths }, 'registry.example') as DockerLogin).username, 'exact');
  const { 'registry.example': _exact, ...rest } = auths;
  assert.equal((loginFor({ auths: rest }, 'registry.example') as DockerLogin).username, 'url');
  // the order of keys in the JSON does not matter
  assert.equal((loginFor({ auths: { 'https://registry.example': rest['https://registry.example'], 'registry.example/team': rest['registry.example/team'] } }, 'registry.example') as DockerLogin).username, 'url');
});

test('an unusable entry is reported for its host only; other hosts keep working', () => {
  const config = { auths: { 'bad.example': { auth: b64('no-colon') }, 'tok.example': { identitytoken: 'x' }, 'nl.example': { username: 'a\nb', password: 'p' }, 'good.example': { auth: b64('u:p') } } };
  assert.match(loginFor(config, 'bad.example') as string, /does not decode to "username:password"/);
  assert.match(loginFor(config, 'tok.example') as string, /identitytoken/);
  assert.match(loginFor(config, 'nl.example') as string, /unusable username/);
  assert.deepEqual(loginFor(config, 'good.example'), { username: 'u', password: 'p' });
});

test('refuses what is not a Docker config: not JSON, no auths, too large', () => {
  assert.deepEqual(parseDockerConfig('{'), { ok: false, reason: 'is not JSON' });
  const noAuths = parseDockerConfig('{"credsStore":"desktop"}');
  assert.ok(!noAuths.ok && /no "auths" object/.test(noAuths.reason));
  const big = parseDockerConfig(JSON.stringify({ auths: {}, pad: 'x'.repeat(1024 * 1024) }));
  assert.ok(!big.ok && /larger than/.test(big.reason));
});
