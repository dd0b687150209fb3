// The promotion engine's changes as Events, one per change: moves (into an environment or a wave),
// blocks, approvals waited for, holds from the config and stale Application data come from the
// engine; a hold taken as an operation is recorded from the operations log only, so a hold never
// makes two Held Events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventOfChange, promotionEventListener } from '../../src/operations/promotion-events.ts';
import type { PromotionEvent } from '../../src/operations/types.ts';

const base = { watch: 'web', environment: 'prod' };

test('moved, wave moved, blocked, awaiting approval, a config hold and stale Application data become Events', () => {
  assert.deepEqual(eventOfChange({ ...base, kind: 'moved', ref: 'r/web:1.5.0', reason: 'staging ran it healthy for 1h' }), { ...base, key: 'moved::r/web:1.5.0', reason: 'Moved', note: 'web/prod moved to r/web:1.5.0: staging ran it healthy for 1h' });
  assert.equal(eventOfChange({ ...base, kind: 'moved', wave: 2, ref: 'r/web:1.5.0', reason: 'wave 1 healthy for 30m' })?.reason, 'WaveMoved');
  assert.equal(eventOfChange({ ...base, kind: 'blocked', reason: 'staging/web-staging is Degraded since 14:00' })?.note, 'web/prod blocked: staging/web-staging is Degraded since 14:00');
  assert.equal(eventOfChange({ ...base, kind: 'awaiting-approval', ref: 'r/web:1.5.0', reason: 'requireApproval' })?.reason, 'AwaitingApproval');
  assert.equal(eventOfChange({ ...base, kind: 'held', ref: 'r/web:1.4.0', reason: 'held at 1.4.0: freeze' })?.note, 'web/prod held at 1.4.0: freeze (config hold)');
  assert.equal(eventOfChange({ ...base, kind: 'stale', reason: 'nothing moves while the Application data is unknown' })?.reason, 'Stale');
  assert.equal(eventOfChange({ ...base, kind: 'waiting', reason: 'pause' }), undefined);
});

test('a hold taken as an operation gives no second Held Event from the engine', () => {
  const seen: PromotionEvent[] = [];
  const operationHeld = (watch: string, environment: string): boolean => watch === 'web' && environment === 'prod';
  const listener = promotionEventListener({ emit: (e) => seen.push(e) }, operationHeld);
  listener.onChanges([{ ...base, kind: 'held', reason: 'held at 1.4.0: INC-5' }, { ...base, kind: 'blocked', reason: 'y' }, { watch: 'web', environment: 'staging', kind: 'held', reason: 'held at 1.4.0: config' }]);
  assert.deepEqual(seen.map((e) => `${e.reason} ${e.environment}`), ['Blocked prod', 'Held staging']);
});
