// The leader loses the API (the peer refuses its token) while the follower keeps it: the old leader
// stops writing before the new one starts, and the API never accepts a Lease or state write of the
// old leader after the new leader acquired — not while it is cut off, and not once it is back.
// Real `serve --ha` processes; the peer's write log is the witness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { handover } from './handover.ts';
import { ask, postPush, startCluster, tagOf } from './replicas.ts';
import { until } from '../helpers/until.ts';

test('a leader cut off from the API stops writing before another starts, and none of its writes is accepted afterwards', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const cluster = await startCluster(t, reg, ['r1', 'r2']);
  const [a, b] = cluster.replicas as [(typeof cluster.replicas)[0], (typeof cluster.replicas)[0]];
  await until(async () => ((await Promise.all([ask(a.url), ask(b.url)])).every((x) => tagOf(x.text) === '1.0.0') ? true : undefined), { what: 'both replicas answer' });
  const oldId = cluster.leader();
  const old = oldId === a.id ? a : b;
  const other = old === a ? b : a;

  // A push to the follower first: it creates the rescan requests ConfigMap, so every later follower
  // request is a merge patch of its own key (handover.ts tells leader writes by that).
  assert.equal(await postPush(other.url, reg.host, 'acme/web', '1.0.0'), 202);
  await until(() => cluster.api.objects.get('configmaps', 'argocd', 'argocd-image-plugins-state-requests'), { what: 'the requests ConfigMap' });

  const cutAt = performance.now();
  cluster.api.block(`sa-${old.id}`);
  await until(() => (cluster.leader() === other.id ? true : undefined), { what: 'the other replica leads' });
  // A push while the old leader is cut off: both hear of it; only the new leader may publish it.
  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  assert.equal(await postPush(old.url, reg.host, 'acme/web', '1.1.0'), 202);
  assert.equal(await postPush(other.url, reg.host, 'acme/web', '1.1.0'), 202);
  const published = await until(async () => {
    const answer = await ask(other.url);
    return tagOf(answer.text) === '1.1.0' ? answer : undefined;
  }, { what: 'the new leader serves 1.1.0' });

  // The old leader gets the API back: it follows the new state and writes nothing a leader writes.
  cluster.api.unblock(`sa-${old.id}`);
  assert.equal(await postPush(old.url, reg.host, 'acme/web', '1.1.0'), 202);
  // The push it forwards may make the new leader publish again before the old one has caught up,
  // so it may skip straight to a later revision: what matters is that it follows, not which one.
  await until(async () => (((await ask(old.url)).revision ?? -1) >= (published.revision ?? Infinity) ? true : undefined), { what: 'the old leader serves the new revision or a later one' });
  await until(() => (cluster.api.writes.filter((w) => w.token === `sa-${other.id}` && w.resource === 'leases').length > 5 ? true : undefined), { what: 'the Lease renewed by the new leader since' });

  const h = handover(cluster.api.writes, `sa-${old.id}`, `sa-${other.id}`, cutAt);
  assert.ok(h, 'the new leader wrote');
  t.diagnostic(`old leader's last accepted write ${(h.lastOld - cutAt).toFixed(0)} ms after the cut, new leader's first ${(h.firstNew - cutAt).toFixed(0)} ms after: gap ${h.gapMs.toFixed(0)} ms`);
  assert.ok(h.gapMs > 0, 'the old leader stopped writing before the new one started');
  assert.deepEqual(h.late, [], 'no Lease or state write of the old leader accepted after the new leader acquired');
  assert.equal(cluster.leader(), other.id, 'the old leader did not take the Lease back');
});
