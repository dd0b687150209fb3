// Webhook routing on hostile paths and query strings: a source name is looked up among the route's
// own keys only (an inherited name such as `__proto__` or `constructor` is an unknown source, 404),
// and a query string naming a parameter twice is refused (400): which of two `secret` values counts
// must never depend on a parser's choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, WEBHOOK_SECRET } from '../generator/fixture.ts';
import { send } from '../generator/socket.ts';

const payload = JSON.stringify({ push_data: { tag: '1.0.0' }, repository: { repo_name: 'acme/web', namespace: 'acme', name: 'web' } });
const json = { 'content-type': 'application/json' };

test('inherited property names are unknown sources (404), never a 500', async (t) => {
  const fx = await startFixture(t);
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
    const res = await send(fx.app, { method: 'POST', url: `/api/v1/webhooks/${name}?secret=${WEBHOOK_SECRET}`, headers: json, payload });
    assert.equal(res.status, 404, `${name}: ${res.text}`);
    assert.equal(res.json().code, 'WEBHOOK_UNKNOWN_SOURCE', name);
  }
  assert.deepEqual(fx.rescans, []);
});

test('a repeated query parameter is a 400, whichever copy holds the secret', async (t) => {
  const fx = await startFixture(t);
  for (const query of [`secret=${WEBHOOK_SECRET}&secret=guess`, `secret=guess&secret=${WEBHOOK_SECRET}`, `secret=${WEBHOOK_SECRET}&secret=${WEBHOOK_SECRET}`, `x=1&x=2&secret=${WEBHOOK_SECRET}`]) {
    const res = await send(fx.app, { method: 'POST', url: `/api/v1/webhooks/dockerhub?${query}`, headers: json, payload });
    assert.equal(res.status, 400, `${query}: ${res.text}`);
    assert.equal(res.json().code, 'REQUEST_REPEATED_PARAMETER', query);
  }
  const ok = await send(fx.app, { method: 'POST', url: `/api/v1/webhooks/dockerhub?secret=${WEBHOOK_SECRET}`, headers: json, payload });
  assert.equal(ok.status, 202, ok.text);
});
