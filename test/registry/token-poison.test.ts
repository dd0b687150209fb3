// No poison lasts: a token realm's reply is untrusted input. A token that cannot go in a header
// (CR/LF, spaces), one of absurd length, or an absurd lifetime is refused and never cached, so the
// next request asks the realm again and recovers the moment the realm does. The peers are loopback
// servers following the Docker token spec (https://distribution.github.io/distribution/spec/auth/token/):
// the registry answers 401 with a Bearer challenge naming the realm until it sees the good token;
// the realm answers whatever reply the test sets.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registryConfig, testClient } from './support.ts';

const GOOD = 'good.token-value_1';

async function listen(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer({ maxHeaderSize: 256 * 1024 }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function peers(t: TestContext) {
  const state = { reply: JSON.stringify({ token: GOOD, expires_in: 300 }), realmRequests: 0, registryRequests: 0 };
  const realm = await listen(t, (_req, res) => {
    state.realmRequests += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(state.reply);
  });
  const registry = await listen(t, (req, res) => {
    state.registryRequests += 1;
    if (req.headers.authorization === `Bearer ${GOOD}`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: 'test/app', tags: ['1.0.0'] }));
      return;
    }
    res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}/token",service="peer",scope="repository:test/app:pull"`, 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
  });
  return { state, registry };
}

const POISON: ReadonlyArray<[string, unknown]> = [
  ['CR/LF in the token', { token: `${GOOD}\r\nx-injected: 1`, expires_in: 300 }],
  ['a space in the token', { token: `${GOOD} other`, expires_in: 300 }],
  ['a 100 000-character token', { token: 'a'.repeat(100_000), expires_in: 300 }],
  ['a lifetime of 30 000 years', { token: GOOD, expires_in: 1e12 }],
  ['a negative lifetime', { token: GOOD, expires_in: -5 }],
  ['a lifetime that is a string', { token: GOOD, expires_in: '300' }],
];

for (const [what, body] of POISON) {
  test(`token realm reply with ${what} is refused and never cached`, async (t) => {
    const { state, registry } = await peers(t);
    state.reply = JSON.stringify(body);
    const { client } = testClient(registryConfig(registry));
    t.after(() => client.close());
    for (let i = 1; i <= 3; i++) {
      await assert.rejects(client.listTags('test/app'), (e: { code: string }) => e.code === 'REG_PROTOCOL', `attempt ${i}`);
      assert.equal(state.realmRequests, i, 'the realm is asked again: nothing was cached');
    }
    // the realm heals: the very next request recovers
    state.reply = JSON.stringify({ token: GOOD, expires_in: 300 });
    assert.deepEqual((await client.listTags('test/app')).tags, ['1.0.0']);
  });
}
