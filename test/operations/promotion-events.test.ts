// The promotion engine's changes as Events: moves (into an environment or a wave), blocks and
// approvals waited for; the engine's held and stale changes are left to the operations log and the
// cache, so nothing is recorded twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventOfChange, promotionEventListener } from '../../src/operations/promotion-events.ts';
import type { PromotionEvent } from '../../src/operations/types.ts';

test('moved, wave moved, blocked and awaiting approval become Events; held and stale do not', () => {
  const base = { watch: 'web', environment: 'prod' };
  assert.deepEqual(eventOfChange({ ...base, kind: 'moved', ref: 'r/web:1.5.0', reason: 'staging ran it healthy for 1h' }), { ...base, key: ' r/web:1.5.0', reason: 'Moved', note: 'web/prod moved to r/web:1.5.0: staging ran it healthy for 1h' });
  assert.equal(eventOfChange({ ...base, kind: 'moved', wave: 2, ref: 'r/web:1.5.0', reason: 'wave 1 healthy for 30m' })?.reason, 'WaveMoved');
  assert.equal(eventOfChange({ ...base, kind: 'blocked', reason: 'staging/web-staging is Degraded since 14:00' })?.note, 'web/prod blocked: staging/web-staging is Degraded since 14:00');
  assert.equal(eventOfChange({ ...base, kind: 'awaiting-approval', ref: 'r/web:1.5.0', reason: 'requireApproval' })?.reason, 'AwaitingApproval');
  assert.equal(eventOfChange({ ...base, kind: 'held', reason: 'x' }), undefined);
  assert.equal(eventOfChange({ ...base, kind: 'stale', reason: 'x' }), undefined);
  const seen: PromotionEvent[] = [];
  promotionEventListener({ emit: (e) => seen.push(e) }).onChanges([{ ...base, kind: 'held', reason: 'x' }, { ...base, kind: 'blocked', reason: 'y' }]);
  assert.deepEqual(seen.map((e) => e.reason), ['Blocked']);
});
