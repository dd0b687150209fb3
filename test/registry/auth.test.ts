import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWwwAuthenticate, pickChallenge, pullScope, basicHeader } from '../../src/registry/auth.ts';
import { createAuthenticator } from '../../src/registry/authenticator.ts';
import { createLogger } from '../../src/shared/log.ts';

test('parses the Distribution Bearer challenge with realm, service and scope', () => {
  const [c, ...rest] = parseWwwAuthenticate('Bearer realm="http://127.0.0.1:1/token",service="reg",scope="repository:test/app:pull"');
  assert.equal(rest.length, 0);
  assert.deepEqual(c, { scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/token', service: 'reg', scope: 'repository:test/app:pull' } });
});

test('keeps commas inside quoted values (several scopes, insufficient_scope error)', () => {
  const [c] = parseWwwAuthenticate('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push",error="insufficient_scope"');
  assert.equal(c?.params.scope, 'repository:a/b:pull,push');
  assert.equal(c?.params.error, 'insufficient_scope');
  assert.equal(c?.params.service, 'registry.example');
});

test('splits several challenges in one header and across repeated headers', () => {
  const cs = parseWwwAuthenticate('Bearer realm="https://a/token", service="a", Basic realm="b, with comma"');
  assert.deepEqual(cs.map((c) => c.scheme), ['bearer', 'basic']);
  assert.equal(cs[1]?.params.realm, 'b, with comma');
  const two = parseWwwAuthenticate(['Basic realm="x"', 'Bearer realm="https://y/token"']);
  assert.deepEqual(two.map((c) => c.scheme), ['basic', 'bearer']);
});

test('accepts unquoted values, escaped quotes, case-insensitive names and a token68 challenge', () => {
  const [c] = parseWwwAuthenticate('BEARER Realm=https://a/token , Service="say \\"hi\\""');
  assert.equal(c?.scheme, 'bearer');
  assert.equal(c?.params.realm, 'https://a/token');
  assert.equal(c?.params.service, 'say "hi"');
  const [n, b] = parseWwwAuthenticate('Negotiate abc==, Basic realm="r"');
  assert.equal(n?.token68, 'abc==');
  assert.equal(b?.params.realm, 'r');
});

test('no header or garbage gives no challenge', () => {
  assert.deepEqual(parseWwwAuthenticate(undefined), []);
  assert.deepEqual(parseWwwAuthenticate(''), []);
  assert.equal(pickChallenge(parseWwwAuthenticate('  ,, ')), undefined);
});

test('prefers a Bearer challenge with a realm over Basic; ignores Bearer without realm', () => {
  assert.equal(pickChallenge(parseWwwAuthenticate('Basic realm="r", Bearer realm="https://t/token"'))?.scheme, 'bearer');
  assert.equal(pickChallenge(parseWwwAuthenticate('Bearer service="s", Basic realm="r"'))?.scheme, 'basic');
  assert.equal(pickChallenge(parseWwwAuthenticate('Digest realm="r"')), undefined);
});

test('pull scope and Basic header follow the Docker and RFC 7617 forms', () => {
  assert.equal(pullScope('library/nginx'), 'repository:library/nginx:pull');
  assert.equal(basicHeader('user', 'p:ss'), 'Basic ' + Buffer.from('user:p:ss').toString('base64'));
});

test('an https registry never sends credentials to a plain-http token realm', async () => {
  let tokenRequests = 0;
  const auth = createAuthenticator({
    host: 'reg.example',
    registryUrl: new URL('https://reg.example'),
    authRealms: [],
    credentials: async () => ({ kind: 'basic', username: 'u', password: 'p' }),
    configured: true,
    getToken: async () => {
      tokenRequests += 1;
      return { status: 200, headers: {}, body: Buffer.from('{"token":"t"}') };
    },
    clock: { now: () => 0 },
    logger: createLogger({ level: 'silent', destination: { write: () => {} } }),
  });
  const reply = { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://reg.example/token",service="s"' }, body: Buffer.alloc(0) };
  await assert.rejects(auth.answer(reply, 'repository:a:pull', 'a', undefined, { renewed: false }), { code: 'REG_AUTH' });
  assert.equal(tokenRequests, 0);
});
