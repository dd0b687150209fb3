// The operations API over a real socket: operator tokens (never the generator's, and operator
// tokens never on the generator's routes), actions recorded with who/why/when/until, status, and
// refusals with codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseConfig, controllerRequest, startFixture, TOKEN, T0, type Fixture } from '../generator/fixture.ts';
import { send } from '../generator/socket.ts';
import type { TestContext } from 'node:test';

const ALICE = 'operator-alice-9d2f71';
const BOB = 'operator-bob-41ac0e';

async function start(t: TestContext, sameAsGenerator = false): Promise<Fixture> {
  return startFixture(t, {
    operations: true,
    config: (dir) => {
      writeFileSync(join(dir, 'alice'), `${ALICE}\n`);
      writeFileSync(join(dir, 'bob'), sameAsGenerator ? TOKEN : BOB);
      const base = baseConfig(dir);
      return { ...base, server: { ...(base.server as object), operatorTokens: [{ name: 'alice', tokenFile: join(dir, 'alice') }, { name: 'bob', token: { file: join(dir, 'bob') } }] } };
    },
  });
}

function post(fx: Fixture, kind: string, body: unknown, token: string | null = ALICE) {
  return send(fx.app, { method: 'POST', url: `/api/v1/operations/${kind}`, headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }) }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
}

function get(fx: Fixture, url: string, token = ALICE) {
  return send(fx.app, { method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

test('an operator token takes actions recorded with its name; the generator token is refused, and an operator token cannot call getparams', async (t) => {
  const fx = await start(t);
  const held = await post(fx, 'hold', { watch: 'web', reason: 'INC-7 error rate', until: new Date(T0 + 3600_000).toISOString() });
  assert.equal(held.status, 201, held.text);
  const record = held.json().record as Record<string, unknown>;
  assert.deepEqual({ ...record, id: 'x' }, { id: 'x', kind: 'hold', watch: 'web', environment: 'default', tag: '1.2.0', by: 'alice', reason: 'INC-7 error rate', at: new Date(T0).toISOString(), until: new Date(T0 + 3600_000).toISOString() });
  const byBob = await post(fx, 'approve', { watch: 'web', environment: 'staging', tag: '1.3.0-rc.1', reason: 'canary looks good' }, BOB);
  assert.equal((byBob.json().record as { by: string }).by, 'bob');

  const generator = await post(fx, 'hold', { watch: 'web', reason: 'x' }, TOKEN);
  assert.equal(generator.status, 401);
  assert.equal(generator.json().code, 'OPS_AUTH_INVALID');
  assert.match(generator.json().message as string, /generator's token/);
  assert.equal((await post(fx, 'hold', { watch: 'web', reason: 'x' }, null)).json().code, 'OPS_AUTH_REQUIRED');
  assert.equal((await post(fx, 'hold', { watch: 'web', reason: 'x' }, 'wrong')).json().code, 'OPS_AUTH_INVALID');
  assert.equal((await get(fx, '/api/v1/operations/status', TOKEN)).status, 401);

  const asOperator = await send(fx.app, controllerRequest('web-apps', undefined, ALICE));
  assert.equal(asOperator.status, 401, 'an operator token is not the generator token');
  assert.equal(asOperator.json().code, 'AUTH_INVALID');
  assert.equal(fx.operations!.log.log().length, 2);
});

test('an operator token configured equal to the generator token is refused on operations routes', async (t) => {
  const fx = await start(t, true);
  const res = await post(fx, 'hold', { watch: 'web', reason: 'x' }, TOKEN);
  assert.equal(res.status, 401);
  assert.match(res.json().message as string, /generator's token/);
  assert.equal((await send(fx.app, controllerRequest('web-apps'))).status, 200, 'the generator keeps working');
});

test('no operator token configured: OPS_DISABLED', async (t) => {
  const fx = await startFixture(t, { operations: true });
  const res = await post(fx, 'hold', { watch: 'web', reason: 'x' }, 'anything');
  assert.equal(res.status, 403);
  assert.equal(res.json().code, 'OPS_DISABLED');
});

test('status shows served, held, approvals and the log per watch and environment; release ends the hold', async (t) => {
  const fx = await start(t);
  await post(fx, 'hold', { watch: 'web', environment: 'staging', tag: '1.2.0', reason: 'bad rc' });
  await post(fx, 'approve', { watch: 'web', environment: 'staging', tag: '1.3.0-rc.1', reason: 'ok' });
  const status = (await get(fx, '/api/v1/operations/status?watch=web&environment=staging')).json();
  const rows = status.status as Record<string, unknown>[];
  assert.equal(rows.length, 1);
  const row = rows[0]!;
  assert.deepEqual(row.served, { tag: '1.3.0-rc.1', ref: (row.served as { ref: string }).ref, resolvedAt: new Date(T0).toISOString() });
  assert.equal((row.held as { tag: string; by: string; source: string }).by, 'alice');
  assert.equal((row.held as { source: string }).source, 'operation');
  assert.equal((row.approvals as unknown[]).length, 1);
  assert.equal((row.log as unknown[]).length, 2);
  assert.equal(row.pending, null);
  assert.equal(row.blocked, null);
  const all = (await get(fx, '/api/v1/operations/status')).json().status as unknown[];
  assert.equal(all.length, 3, 'web/default, web/staging, api/default');

  const metrics = (await send(fx.app, { method: 'GET', url: '/metrics' })).text;
  assert.match(metrics, /argocd_image_plugins_operations_in_effect\{kind="hold"\} 1/);
  assert.match(metrics, /argocd_image_plugins_operations_in_effect\{kind="approve"\} 1/);
  assert.match(metrics, /argocd_image_plugins_promotion_moves\{state="pending"\} 0/);
  const released = await post(fx, 'release', { watch: 'web', environment: 'staging', reason: 'fixed in rc.2' });
  assert.equal(released.status, 201);
  const after = (await get(fx, '/api/v1/operations/status?watch=web&environment=staging')).json().status as Record<string, unknown>[];
  assert.equal(after[0]!.held, null);
  assert.match((await send(fx.app, { method: 'GET', url: '/metrics' })).text, /argocd_image_plugins_operations_in_effect\{kind="hold"\} 0/);
  assert.equal(((await get(fx, '/api/v1/operations/log')).json().records as unknown[]).length, 3);
  assert.equal((await get(fx, '/api/v1/operations/status?watch=nope')).json().code, 'OPS_UNKNOWN_WATCH');
});

test('bodies are checked by schema and bounded; refusals carry codes', async (t) => {
  const fx = await start(t);
  const extra = await post(fx, 'hold', { watch: 'web', reason: 'x', by: 'mallory' });
  assert.equal(extra.status, 400);
  assert.equal(extra.json().code, 'REQUEST_INVALID');
  assert.equal((await post(fx, 'hold', { watch: 'web' })).json().code, 'REQUEST_INVALID', 'reason is required');
  assert.equal((await post(fx, 'approve', { watch: 'web', reason: 'x', wave: '1' })).json().code, 'REQUEST_INVALID', 'no type coercion');
  const big = await post(fx, 'hold', JSON.stringify({ watch: 'web', reason: 'x'.repeat(5000) }));
  assert.equal(big.status, 413);
  assert.equal((await post(fx, 'hold', { watch: 'nope', reason: 'x' })).status, 404);
  assert.equal((await post(fx, 'release', { watch: 'web', reason: 'x' })).json().code, 'OPS_NOT_HELD');
  fx.setConfig(fx.config, 'watches[0].image: required');
  assert.equal((await post(fx, 'hold', { watch: 'web', reason: 'x' })).json().code, 'NOT_READY');
  assert.equal(fx.operations!.log.log().length, 0, 'nothing was recorded');
});
