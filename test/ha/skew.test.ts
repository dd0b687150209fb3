// Clocks 10 s apart between replicas (real processes, each with its own wall clock): the election
// stays safe and live because, as in client-go, a follower judges a Lease expired by how long *it*
// has seen the same record, never by the renewTime another machine wrote. Judged by timestamps, the
// replica 10 s ahead would take the Lease from a live leader 10 s behind (10 s > the 6 s Lease), and
// after the leader 10 s ahead dies, the others would wait until its future renewTime had passed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { ask, startCluster, tagOf, type Cluster } from './replicas.ts';
import type { LeaseSpec } from '../../src/ha/lease-record.ts';
import { until } from '../helpers/until.ts';

const TIMING = { lease: 6, renew: 4, retry: 0.5 };
const SKEW = { behind: -10_000, ahead: 10_000, zero: 0 };

function lease(cluster: Cluster): LeaseSpec {
  return (cluster.api.objects.get('leases', 'argocd', 'argocd-image-plugins')?.spec ?? {}) as LeaseSpec;
}

function leaseWritesSince(cluster: Cluster, from: number): string[] {
  return cluster.api.writes.slice(from).filter((w) => w.resource === 'leases' && w.code < 300).map((w) => w.token);
}

test('replicas with clocks 10 s ahead and behind elect one leader, never take a live Lease, and take over a dead one within its duration', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  // The replica 10 s behind starts first and leads; its renewTimes look 10 to 20 s old to the others.
  const cluster = await startCluster(t, reg, ['behind', 'ahead', 'zero'], { timing: TIMING, skewMs: SKEW });
  await until(async () => ((await Promise.all(cluster.replicas.map((r) => ask(r.url)))).every((a) => tagOf(a.text) === '1.0.0') ? true : undefined), { what: 'every replica answers', deadlineMs: 60_000 });
  assert.equal(cluster.leader(), 'behind');
  const transitions = lease(cluster).leaseTransitions;

  // Safety: ten renewals of the leader, and nobody else wrote the Lease meanwhile.
  const from = cluster.api.writes.length;
  await until(() => (leaseWritesSince(cluster, from).length >= 10 ? true : undefined), { what: 'ten renewals' });
  assert.deepEqual([...new Set(leaseWritesSince(cluster, from))], ['sa-behind'], 'only the leader wrote the Lease');
  assert.equal(lease(cluster).leaseTransitions, transitions);
  assert.equal(cluster.leader(), 'behind');
  assert.ok(new Date(lease(cluster).renewTime!).getTime() < Date.now() - 5_000, 'the leader\'s clock is behind');

  // Let the replica 10 s ahead lead: keep `zero` off the API while `behind` dies.
  cluster.api.block('sa-zero');
  const behind = cluster.replicas.find((r) => r.id === 'behind')!;
  behind.child.kill('SIGKILL');
  await behind.child;
  await until(() => (cluster.leader() === 'ahead' ? true : undefined), { what: 'the replica ahead leads' });
  cluster.api.unblock('sa-zero');
  await until(() => (leaseWritesSince(cluster, cluster.api.writes.length - 1).includes('sa-ahead') ? true : undefined), { what: 'the replica ahead renews' });
  await until(async () => (tagOf((await ask(cluster.replicas.find((r) => r.id === 'zero')!.url)).text) === '1.0.0' ? true : undefined), { what: 'zero serves again' });

  // Liveness: the leader 10 s ahead dies; `zero` takes over although the last renewTime it sees lies
  // 10 s in its future, i.e. before that renewTime + the Lease duration by the writer's clock.
  const ahead = cluster.replicas.find((r) => r.id === 'ahead')!;
  ahead.child.kill('SIGKILL');
  await ahead.child;
  const last = lease(cluster);
  assert.equal(last.holderIdentity, 'ahead');
  assert.ok(new Date(last.renewTime!).getTime() > Date.now() + 5_000, 'the dead leader\'s clock was ahead');
  await until(() => (cluster.leader() === 'zero' ? true : undefined), { what: 'zero leads', deadlineMs: 60_000 });
  const taken = lease(cluster);
  const acquired = new Date(taken.acquireTime!).getTime();
  const deadBy = new Date(last.renewTime!).getTime() + TIMING.lease * 1000;
  t.diagnostic(`zero acquired at ${taken.acquireTime} (its clock), ${((deadBy - acquired) / 1000).toFixed(1)} s before the dead leader's renewTime + Lease by the dead leader's clock`);
  assert.ok(acquired < deadBy, 'expiry judged by local observation, not by the dead leader\'s renewTime');
  assert.equal(taken.leaseTransitions, (last.leaseTransitions ?? 0) + 1);
});
