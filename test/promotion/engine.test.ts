// The promotion engine's safety rules, each with a scenario that fails when the rule is broken:
// prod takes only what staging ran Synced and Healthy for the soak, waves open in order after their
// pause, a newer reference waits for the rollout under way (never three versions), nothing moves on
// unknown Application data, and a gate never empties or downgrades an answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from './fixture.ts';

/** staging and prod both run 1.0.0, healthy; then 1.1.0 is resolved and staging gets it. */
function started(): World {
  const w = new World().resolve('1.0.0');
  w.evaluate();
  w.deployAll();
  w.at(1).resolve('1.1.0');
  w.evaluate();
  return w;
}

test('staging moves at once, prod keeps what it runs until staging ran the new reference healthy for the soak', () => {
  const w = started();
  assert.deepEqual(w.tags('staging'), ['1.1.0', '1.1.0']);
  assert.deepEqual(w.tags('prod'), ['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
  const blocked = w.last.status.find((s) => s.environment === 'prod')!;
  assert.equal(blocked.state, 'blocked');
  assert.match(blocked.reason!, /staging Application argocd\/web-stg-1 \(cluster stg-1\) runs ghcr\.io\/acme\/web:1\.0\.0@sha256:\w+, not 1\.1\.0/);
  w.at(2).app('stg-1', '1.1.0').app('stg-2', '1.1.0', 'Progressing').evaluate();
  assert.match(w.last.status.find((s) => s.environment === 'prod')!.reason!, /web-stg-2 \(cluster stg-2\) is Synced\/Progressing since 2026-11-30T10:02:00\.000Z/);
  w.at(3).app('stg-2', '1.1.0').evaluate();
  assert.equal(w.last.wakeAt, '2026-11-30T11:03:00.000Z', 'the engine asks to be woken when the soak ends');
  const soaking = w.last.status.find((s) => s.environment === 'prod')!;
  assert.deepEqual([soaking.state, soaking.opensAt], ['waiting', '2026-11-30T11:03:00.000Z'], 'the status says when the soak ends');
  w.at(62).evaluate();
  assert.deepEqual(w.tags('prod'), ['1.0.0', '1.0.0', '1.0.0', '1.0.0'], 'one minute short of the soak: prod still waits');
  w.at(63).evaluate();
  assert.deepEqual(w.tags('prod'), ['1.1.0', '1.0.0', '1.0.0', '1.0.0'], 'the soak is over: the canary wave moves, the others keep 1.0.0');
  assert.deepEqual(w.last.changes.map((c) => [c.kind, c.environment, c.wave]), [['moved', 'prod', 1]]);
});

test('a Degraded or OutOfSync staging Application blocks the move; prod keeps what it runs', () => {
  for (const [health, sync] of [['Degraded', 'Synced'], ['Healthy', 'OutOfSync'], ['Missing', 'Synced']] as const) {
    const w = started();
    w.at(2).app('stg-1', '1.1.0').app('stg-2', '1.1.0', health, sync).evaluate();
    w.at(600).evaluate();
    assert.deepEqual(w.tags('prod'), ['1.0.0', '1.0.0', '1.0.0', '1.0.0'], `${sync}/${health}`);
    assert.match(w.last.status.find((s) => s.environment === 'prod')!.reason!, new RegExp(`web-stg-2 \\(cluster stg-2\\) is ${sync}/${health} since 2026-11-30T10:02:00.000Z`));
  }
});

test('a flip to Degraded during the soak starts the soak again from the recovery', () => {
  const w = started();
  w.at(2).app('stg-1', '1.1.0').app('stg-2', '1.1.0').evaluate();
  w.at(30).app('stg-2', '1.1.0', 'Degraded').evaluate();
  w.at(40).app('stg-2', '1.1.0').evaluate();
  w.at(63).evaluate();
  assert.equal(w.tagOf('prod-canary'), '1.0.0', 'the soak counts from 10:40, not 10:02');
  w.at(100).evaluate();
  assert.equal(w.tagOf('prod-canary'), '1.1.0');
});

test('no wave runs ahead of an unfinished earlier wave', () => {
  const w = started();
  w.at(2).app('stg-1', '1.1.0').app('stg-2', '1.1.0').at(63).evaluate();
  assert.equal(w.tagOf('prod-canary'), '1.1.0');
  w.at(64).app('prod-canary', '1.1.0', 'Degraded').evaluate();
  for (const minute of [100, 1000, 5000]) {
    w.at(minute).evaluate();
    assert.deepEqual(w.tags('prod'), ['1.1.0', '1.0.0', '1.0.0', '1.0.0'], `at +${minute}m the failing canary wave holds the rollout`);
  }
  const status = w.last.status.find((s) => s.environment === 'prod')!;
  assert.deepEqual([status.state, status.wave, status.waves], ['blocked', 1, 2]);
  assert.match(status.reason!, /^wave 1: Application argocd\/web-prod-canary \(cluster prod-canary\) is Synced\/Degraded since/);
  w.at(5001).app('prod-canary', '1.1.0').evaluate();
  w.at(5001 + 29).evaluate();
  assert.deepEqual(w.tags('prod'), ['1.1.0', '1.0.0', '1.0.0', '1.0.0'], 'healthy again, but the pause is not over');
  const pausing = w.last.status.find((s) => s.environment === 'prod')!;
  assert.equal(pausing.opensAt, new Date(Date.parse('2026-11-30T10:00:00.000Z') + (5001 + 30) * 60_000).toISOString(), 'the status says when the pause ends');
  w.at(5001 + 30).evaluate();
  assert.deepEqual(w.tags('prod'), ['1.1.0', '1.1.0', '1.1.0', '1.1.0']);
  assert.equal(w.last.status.find((s) => s.environment === 'prod')!.state, 'idle');
});

test('a newer reference arriving mid-rollout waits for the rollout under way: never three versions', () => {
  const w = started();
  // Three waves: canary, prod-1 (early), the rest; prod-1 fails, so 1.1.0 stops in wave 2.
  const prod = w.policies.prod!;
  const early = { kind: 'selector' as const, selector: { matchLabels: { wave: 'early' }, matchExpressions: [] } };
  w.policies = { ...w.policies, prod: { ...prod, rollout: { ...prod.rollout!, waves: [prod.rollout!.waves[0]!, early, { kind: 'percent', percent: 100 }] } } };
  w.clusters = w.clusters.map((c) => (c.name === 'prod-1' ? { ...c, labels: { ...c.labels, wave: 'early' } } : c));
  w.at(2).app('stg-1', '1.1.0').app('stg-2', '1.1.0').at(63).evaluate();
  w.at(64).app('prod-canary', '1.1.0').at(94).evaluate();
  assert.deepEqual(w.tags('prod'), ['1.1.0', '1.1.0', '1.0.0', '1.0.0']);
  w.at(95).app('prod-1', '1.1.0', 'Degraded').resolve('1.2.0').evaluate();
  w.at(96).app('stg-1', '1.2.0').app('stg-2', '1.2.0').evaluate();
  w.at(500).evaluate();
  assert.deepEqual(w.tags('prod'), ['1.1.0', '1.1.0', '1.0.0', '1.0.0'], 'staging soaked 1.2.0, yet prod finishes 1.1.0 first');
  w.at(501).app('prod-1', '1.1.0').at(531).evaluate();
  assert.deepEqual(w.tags('prod'), ['1.1.0', '1.1.0', '1.1.0', '1.1.0']);
  w.at(532).evaluate();
  assert.deepEqual(w.tags('prod'), ['1.2.0', '1.1.0', '1.1.0', '1.1.0'], 'then 1.2.0 starts from wave 1');
});

test('nothing moves while the Application data is unknown or stale, and that is said once', () => {
  const w = started();
  w.at(2).app('stg-1', '1.1.0').app('stg-2', '1.1.0');
  w.known = false;
  w.at(100).evaluate();
  assert.deepEqual(w.tags('prod'), ['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
  assert.deepEqual(w.last.changes.map((c) => [c.kind, c.reason]), [['stale', 'nothing moves while the Application data is unknown: watch broken']]);
  w.at(101).evaluate();
  assert.deepEqual(w.last.changes, [], 'the same stale state is not said again');
  w.known = true;
  w.at(102).evaluate();
  assert.equal(w.tagOf('prod-canary'), '1.1.0');
});

test('never an empty or downgraded answer: a first start serves every cluster, a new cluster gets the environment\'s reference', () => {
  const w = new World().resolve('1.0.0');
  w.known = false;
  w.evaluate();
  assert.deepEqual(w.tags('prod'), ['1.0.0', '1.0.0', '1.0.0', '1.0.0'], 'the first reference is adopted even with no Application data');
  w.known = true;
  w.deployAll();
  w.at(1).resolve('1.1.0').app('stg-1', '1.1.0').app('stg-2', '1.1.0').at(62).evaluate();
  assert.equal(w.tagOf('prod-canary'), '1.1.0');
  w.clusters = [...w.clusters, { name: 'prod-new', environment: 'prod', labels: { environment: 'prod' } }];
  w.evaluate();
  assert.equal(w.tagOf('prod-new'), '1.0.0', 'a cluster joining a later wave mid-rollout gets the environment\'s served reference');
  w.at(63).app('prod-canary', '1.1.0', 'Degraded').resolve('1.0.0').evaluate();
  assert.equal(w.tagOf('prod-canary'), '1.1.0', 'a failing gate never takes a cluster back');
});

test('chains: dev → staging → prod, each waiting for the one before', () => {
  const w = new World();
  w.policies = { dev: {}, staging: { promotion: { from: 'dev', soakMs: 600_000, requireHealthy: true, requireApproval: false } }, prod: { promotion: { from: 'staging', soakMs: 600_000, requireHealthy: true, requireApproval: false } } };
  w.clusters = ['dev', 'staging', 'prod'].map((e) => ({ name: `${e}-1`, environment: e, labels: {} }));
  w.candidates.set('dev', { resolution: (w.resolve('1.0.0'), w.candidates.get('prod')!.resolution), history: [] });
  w.evaluate();
  w.deployAll();
  w.at(1).resolve('2.0.0');
  w.candidates.set('dev', w.candidates.get('prod')!);
  w.evaluate();
  assert.deepEqual(['dev-1', 'staging-1', 'prod-1'].map((c) => w.tagOf(c)), ['2.0.0', '1.0.0', '1.0.0']);
  w.at(2).app('dev-1', '2.0.0').at(12).evaluate();
  assert.deepEqual(['dev-1', 'staging-1', 'prod-1'].map((c) => w.tagOf(c)), ['2.0.0', '2.0.0', '1.0.0']);
  w.at(13).app('staging-1', '2.0.0').at(22).evaluate();
  assert.equal(w.tagOf('prod-1'), '1.0.0');
  w.at(23).evaluate();
  assert.equal(w.tagOf('prod-1'), '2.0.0');
});

test('requireApproval: the move waits for an approve of its tag; promote bypasses the soak', () => {
  const w = started();
  w.policies = { ...w.policies, prod: { ...w.policies.prod, promotion: { ...w.policies.prod!.promotion!, requireApproval: true } } };
  w.at(2).app('stg-1', '1.1.0').app('stg-2', '1.1.0').at(63).evaluate();
  const status = w.last.status.find((s) => s.environment === 'prod')!;
  assert.deepEqual([status.state, status.reason], ['awaiting-approval', '1.1.0 passed the staging gate and waits for an approval (approve web prod 1.1.0)']);
  w.operations = [{ id: 'op-1', kind: 'approve', watch: 'web', environment: 'prod', tag: '1.0.9', by: 'alice', reason: 'wrong tag', at: '2026-11-30T11:03:30Z' }];
  w.at(64).evaluate();
  assert.equal(w.tagOf('prod-canary'), '1.0.0', 'an approval of another tag opens nothing');
  w.operations.push({ id: 'op-2', kind: 'approve', watch: 'web', environment: 'prod', tag: '1.1.0', by: 'alice', reason: 'looks good', at: '2026-11-30T11:04:30Z' });
  w.at(65).evaluate();
  assert.equal(w.tagOf('prod-canary'), '1.1.0');

  // Waves are numbered from 1: approving wave 1 is approving the move into the environment.
  const one = started();
  one.policies = w.policies;
  one.at(2).app('stg-1', '1.1.0').app('stg-2', '1.1.0').at(63).evaluate();
  one.operations = [{ id: 'op-4', kind: 'approve', watch: 'web', environment: 'prod', tag: '1.1.0', wave: 1, by: 'alice', reason: 'first wave', at: '2026-11-30T11:03:30Z' }];
  one.at(64).evaluate();
  assert.equal(one.tagOf('prod-canary'), '1.1.0', 'an approval of wave 1 opens the first wave');

  const p = started();
  p.operations = [{ id: 'op-3', kind: 'promote', watch: 'web', environment: 'prod', tag: '1.1.0', by: 'bob', reason: 'hotfix', at: '2026-11-30T10:01:30Z' }];
  p.at(2).evaluate();
  assert.deepEqual(p.tags('prod'), ['1.1.0', '1.0.0', '1.0.0', '1.0.0'], 'promote skips the staging gate; the waves still apply');
});

test('a hold is served to the whole environment at once, without a gate', () => {
  const w = started();
  w.at(5).resolve('0.9.0', 'rollback: 1.x leaks memory').evaluate();
  assert.deepEqual(w.tags('prod'), ['0.9.0', '0.9.0', '0.9.0', '0.9.0']);
  assert.deepEqual(w.last.changes.filter((c) => c.environment === 'prod').map((c) => c.kind), ['moved', 'held']);
  assert.equal(w.last.status.find((s) => s.environment === 'prod')!.state, 'held');
});

test('the same input gives the same output, and changes are said once', () => {
  const a = started();
  const b = started();
  assert.equal(JSON.stringify(a.last), JSON.stringify(b.last));
  const again = a.evaluate();
  assert.deepEqual(again.changes, []);
  assert.equal(JSON.stringify(again.state), JSON.stringify(b.state));
});
