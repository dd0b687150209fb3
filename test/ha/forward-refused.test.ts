// An action a follower accepts but the leader refuses (here the replicas' configs differ: the
// follower knows a watch the leader does not) reaches the operator as the leader's own error, code
// and message, as soon as the leader records it: not as OPS_UNREACHABLE after the forward timeout.
// Real `serve --ha` processes, the loopback API peer, a real registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { until } from '../helpers/until.ts';
import { ask, OPERATOR_TOKEN, startCluster, tagOf } from './replicas.ts';

test('a forwarded action the leader refuses answers with the leader\'s error', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const watch = (name: string) => ({ name, image: `${reg.host}/acme/web`, policy: { semver: { range: '^1.0.0' } } });
  // Each replica knows one watch the other does not.
  const cluster = await startCluster(t, reg, ['r1', 'r2'], { perReplica: { r1: { watches: [watch('web'), watch('only_r1')] }, r2: { watches: [watch('web'), watch('only_r2')] } } });
  const leader = await until(() => cluster.replicas.find((r) => r.id === cluster.leader()), { what: 'a leader' });
  await until(async () => tagOf((await ask(leader.url)).text) === '1.0.0', { what: 'the leader answers 1.0.0' });
  const follower = cluster.replicas.find((r) => r !== leader)!;
  // The follower follows the shared state (whatever it makes of the other config).
  await until(async () => (await ask(follower.url)).revision !== undefined, { what: 'the follower follows the shared state' });

  const res = await request(`${follower.url}/api/v1/operations/hold`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` }, body: JSON.stringify({ watch: `only_${follower.id}`, tag: '1.0.0', reason: 'INC-40 freeze' }) });
  const body = (await res.body.json()) as { code: string; message: string };
  assert.equal(body.code, 'OPS_UNKNOWN_WATCH', JSON.stringify(body));
  assert.equal(res.statusCode, 404);
  assert.match(body.message, new RegExp(`the leader refused the action: watch "only_${follower.id}" is not in the config`));
});
