// Operations with several replicas: an action sent to a follower reaches the leader through the
// Kubernetes API (the requests ConfigMap), is published with the shared state, and is in effect on
// every replica when the follower answers; after the leader is killed with SIGKILL the new leader
// keeps it. Real `serve --ha` processes, the loopback API peer, a real registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { ask, OPERATOR_TOKEN, startCluster, tagOf } from '../ha/replicas.ts';
import { until } from '../helpers/until.ts';

async function operate(url: string, kind: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await request(`${url}/api/v1/operations/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` }, body: JSON.stringify(body) });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

async function heldOn(url: string): Promise<string | undefined> {
  const res = await request(`${url}/api/v1/operations/status?watch=web`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  const body = (await res.body.json()) as { status?: { held: { tag: string } | null }[] };
  return body.status?.[0]?.held?.tag;
}

test('a hold sent to a follower is applied by the leader, in effect everywhere, and survives the leader being killed', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  const cluster = await startCluster(t, reg, ['r1', 'r2']);
  await until(async () => ((await Promise.all(cluster.replicas.map((r) => ask(r.url)))).every((a) => a.status === 200 && tagOf(a.text) === '1.1.0') ? true : undefined), { what: 'both replicas answer 1.1.0' });
  const leaderId = cluster.leader();
  const follower = cluster.replicas.find((r) => r.id !== leaderId)!;
  const leader = cluster.replicas.find((r) => r.id === leaderId)!;

  const held = await operate(follower.url, 'hold', { watch: 'web', tag: '1.0.0', reason: 'INC-12 rollback' });
  assert.equal(held.status, 201, JSON.stringify(held.json));
  assert.equal(await heldOn(follower.url), '1.0.0', 'in effect on the follower when it answers');
  // The leader commits once its warm-start file is written too, a moment after it published.
  await until(async () => ((await heldOn(leader.url)) === '1.0.0' ? true : undefined), { what: 'the hold in effect on the leader' });
  await until(async () => ((await Promise.all(cluster.replicas.map((r) => ask(r.url)))).every((a) => tagOf(a.text) === '1.0.0') ? true : undefined), { what: 'every replica serves the held tag' });

  leader.child.kill('SIGKILL');
  await until(() => (cluster.leader() === follower.id ? true : undefined), { what: 'the follower leads' });
  assert.equal(await heldOn(follower.url), '1.0.0');
  const released = await operate(follower.url, 'release', { watch: 'web', reason: 'fixed' });
  assert.equal(released.status, 201, JSON.stringify(released.json));
  await until(async () => (tagOf((await ask(follower.url)).text) === '1.1.0' ? true : undefined), { what: 'the new leader serves the policy\'s tag again' });
});
