// Leader election against the loopback API peer's Leases, several candidates in one process, each
// with its own client and token (so the peer can cut one off): one leader at a time, release on
// stop, take-over after expiry, a leader cut off from the API steps down before anyone else leads,
// and clocks ±10 s apart change nothing (durations are timed locally, as client-go does).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createElection, type Election } from '../../src/ha/election.ts';
import { createObjectClient } from '../../src/kube/objects.ts';
import { createTransport } from '../../src/kube/transport.ts';
import { systemClock, type Clock } from '../../src/shared/clock.ts';
import { silentLogger } from '../generator/fixture.ts';
import { startKubeApi, type KubeApiPeer } from '../helpers/kube-api.ts';
import { until } from '../helpers/until.ts';

const TIMING = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };
const ALL = [{ verbs: ['*'], resources: ['*'] }];

interface Candidate {
  readonly id: string;
  readonly election: Election;
  /** [time, leading] for every change. */
  readonly changes: Array<[number, boolean]>;
}

function candidate(t: TestContext, api: KubeApiPeer, id: string, clock: Clock = systemClock): Candidate {
  const transport = createTransport({ server: api.url, token: () => id, insecure: false }, 500);
  const election = createElection({ objects: createObjectClient(transport), namespace: 'ns', name: 'leader', identity: id, clock, logger: silentLogger(), ...TIMING });
  const changes: Array<[number, boolean]> = [];
  election.onChange((leading) => changes.push([performance.now(), leading]));
  t.after(async () => {
    await election.stop();
    await transport.close();
  });
  return { id, election, changes };
}

const leaders = (cs: readonly Candidate[]): Candidate[] => cs.filter((c) => c.election.isLeader());

test('one of three becomes leader; on stop it releases the Lease and another takes over within a retry period', async (t) => {
  const api = await startKubeApi(t, { tokens: { a: ALL, b: ALL, c: ALL } });
  const cs = ['a', 'b', 'c'].map((id) => candidate(t, api, id));
  for (const c of cs) c.election.start();
  const first = await until(() => leaders(cs)[0], { what: 'a leader' });
  // Several rounds later there is still exactly one.
  await until(() => ((api.objects.get('leases', 'ns', 'leader')?.spec as { renewTime?: string }).renewTime !== undefined && first.changes.length === 1 ? true : undefined), { what: 'renewals' });
  assert.equal(leaders(cs).length, 1);
  const stoppedAt = performance.now();
  await first.election.stop();
  assert.equal((api.objects.get('leases', 'ns', 'leader')?.spec as { holderIdentity: string }).holderIdentity, '', 'released');
  const next = await until(() => leaders(cs)[0], { what: 'a new leader' });
  t.diagnostic(`take-over after release: ${(performance.now() - stoppedAt).toFixed(0)} ms`);
  assert.notEqual(next.id, first.id);
  const spec = api.objects.get('leases', 'ns', 'leader')?.spec as { leaseTransitions: number; holderIdentity: string };
  assert.equal(spec.holderIdentity, next.id);
  assert.ok(spec.leaseTransitions >= 1);
});

test('a leader cut off from the API steps down before another candidate starts leading (fencing by time)', async (t) => {
  const api = await startKubeApi(t, { tokens: { a: ALL, b: ALL } });
  const a = candidate(t, api, 'a');
  a.election.start();
  await until(() => (a.election.isLeader() ? true : undefined), { what: 'a leads' });
  const b = candidate(t, api, 'b');
  b.election.start();
  const cutAt = performance.now();
  api.block('a');
  await until(() => (b.election.isLeader() ? true : undefined), { what: 'b leads' });
  const aStopped = a.changes.find(([, leading]) => !leading)?.[0];
  const bStarted = b.changes.find(([, leading]) => leading)?.[0];
  assert.ok(aStopped !== undefined && bStarted !== undefined);
  t.diagnostic(`old leader stopped ${(aStopped - cutAt).toFixed(0)} ms after the cut, new leader started ${(bStarted - cutAt).toFixed(0)} ms after it`);
  assert.ok(aStopped < bStarted, 'the old leader stopped first');
  api.unblock('a');
});

test('clocks 10 s ahead and 10 s behind: still one leader, and a killed leader is replaced after the lease expires', async (t) => {
  const api = await startKubeApi(t, { tokens: { ahead: ALL, behind: ALL } });
  const skew = (ms: number): Clock => ({ now: () => Date.now() + ms });
  const ahead = candidate(t, api, 'ahead', skew(10_000));
  const behind = candidate(t, api, 'behind', skew(-10_000));
  ahead.election.start();
  await until(() => (ahead.election.isLeader() ? true : undefined), { what: 'ahead leads' });
  behind.election.start();
  // A few rounds: the follower behind in time must not see the lease as expired.
  await until(() => (api.requests.filter((r) => r === 'get leases 200').length > 12 ? true : undefined), { what: 'follower observed renewals' });
  assert.equal(behind.election.isLeader(), false);
  // Kill the leader without release (as SIGKILL would).
  api.block('ahead');
  const killedAt = performance.now();
  await until(() => (behind.election.isLeader() ? true : undefined), { what: 'behind leads' });
  const took = performance.now() - killedAt;
  t.diagnostic(`take-over after the leader vanished: ${took.toFixed(0)} ms (lease ${TIMING.leaseDurationMs} ms)`);
  assert.ok(took >= TIMING.leaseDurationMs - TIMING.retryPeriodMs * 2, 'not before the lease could have expired');
});
