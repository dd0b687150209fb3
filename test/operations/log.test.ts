// The operations log's rules: what is in effect (holds until released or lapsed, the latest
// approval per wave, the latest promotion), staging until durable, the bound, and untrusted
// persisted records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inEffect } from '../../src/operations/effect.ts';
import { createOperationsLog } from '../../src/operations/log.ts';
import { parseRecords } from '../../src/operations/record.ts';
import type { OperationRecord } from '../../src/operations/types.ts';
import { manualClock } from '../../src/shared/clock.ts';

const T0 = Date.UTC(2026, 10, 30, 12);
let n = 0;
function rec(kind: OperationRecord['kind'], extra: Partial<OperationRecord> = {}): OperationRecord {
  return { id: `r${++n}`, kind, watch: 'web', environment: 'prod', by: 'alice', reason: 'INC-1', at: new Date(T0).toISOString(), ...(kind === 'hold' && { tag: '1.0.0' }), ...extra };
}
const iso = (ms: number): string => new Date(T0 + ms).toISOString();

test('a hold stays in effect until released, replaced or lapsed; a release is never in effect', () => {
  const h1 = rec('hold');
  const h2 = rec('hold', { tag: '1.1.0', until: iso(60_000) });
  const other = rec('hold', { environment: 'staging' });
  assert.deepEqual(inEffect([h1], T0).map((r) => r.id), [h1.id]);
  assert.deepEqual(inEffect([h1, h2, other], T0).map((r) => r.id), [h2.id, other.id], 'the later hold replaces the earlier one of the same place');
  assert.deepEqual(inEffect([h1, h2, other], T0 + 60_000).map((r) => r.id), [other.id], 'lapsed at until');
  const release = rec('release');
  assert.deepEqual(inEffect([h1, other, release], T0).map((r) => r.id), [other.id]);
  assert.deepEqual(inEffect([h1, release, rec('hold', { id: 'again' })], T0).map((r) => r.id), ['again'], 'a hold after a release is in effect');
});

test('approvals are per wave, promotions per environment; the latest wins', () => {
  const a0 = rec('approve', { tag: '1.0.0', wave: 0 });
  const a1 = rec('approve', { tag: '1.0.0', wave: 1 });
  const a0b = rec('approve', { tag: '1.1.0', wave: 0 });
  const p1 = rec('promote', { tag: '1.0.0' });
  const p2 = rec('promote', { tag: '1.1.0', until: iso(1000) });
  assert.deepEqual(inEffect([a0, a1, a0b, p1, p2, rec('release')], T0).map((r) => r.id), [a1.id, a0b.id, p2.id], 'a release ends holds only');
  assert.deepEqual(inEffect([p1, p2], T0 + 1000).map((r) => r.id), [], 'a lapsed promotion does not bring back the one it replaced');
});

test('a staged record is invisible until its checkpoint commits; a withdrawn one never appears', () => {
  const clock = manualClock(T0);
  const log = createOperationsLog({ clock });
  let changes = 0;
  log.onChange(() => changes++);
  const a = rec('hold');
  log.stage(a);
  assert.equal(log.active(new Date(T0)).length, 0);
  const checkpoint = log.checkpoint();
  assert.deepEqual(checkpoint.records.map((r) => r.id), [a.id], 'the write holds the staged record');
  const b = rec('hold', { environment: 'staging' });
  log.stage(b);
  checkpoint.commit();
  assert.deepEqual(log.log().map((r) => r.id), [a.id], 'only what the written checkpoint held is committed');
  assert.equal(log.committed(a.id), true);
  assert.equal(log.committed(b.id), false);
  log.unstage(b.id);
  log.checkpoint().commit();
  assert.deepEqual(log.log().map((r) => r.id), [a.id]);
  assert.equal(changes, 1);
  assert.equal(log.revision, 1);
});

test('bounded: the oldest records no longer in effect go first; when all are in effect, OPS_LOG_FULL', () => {
  const clock = manualClock(T0);
  const log = createOperationsLog({ clock, limit: 3 });
  const commit = (r: OperationRecord): void => {
    log.stage(r);
    log.checkpoint().commit();
  };
  const old = rec('hold', { until: iso(10) });
  commit(old);
  commit(rec('hold', { environment: 'a' }));
  commit(rec('hold', { environment: 'b' }));
  clock.advance(10);
  commit(rec('hold', { environment: 'c' }));
  assert.equal(log.log().length, 3);
  assert.ok(!log.log().some((r) => r.id === old.id), 'the lapsed hold was dropped');
  assert.throws(() => log.stage(rec('hold', { environment: 'd' })), (e: { code?: string }) => e.code === 'OPS_LOG_FULL');
});

test('persisted records are untrusted: malformed ones are dropped, duplicates kept once, the rest loaded', () => {
  const good = rec('hold');
  const records = [
    good,
    { ...rec('hold'), tag: '-bad' },
    { ...rec('approve'), wave: 1000 },
    { ...rec('hold'), reason: 'line\nbreak' },
    { ...rec('hold'), by: 'not a name' },
    { ...rec('hold'), at: 'yesterday' },
    { ...rec('hold'), kind: 'delete' },
    'text',
    good,
  ];
  assert.deepEqual(parseRecords(records).map((r) => r.id), [good.id]);
  assert.deepEqual(parseRecords({ not: 'a list' }), []);
  const log = createOperationsLog({ clock: manualClock(T0) });
  log.load(records);
  assert.deepEqual(log.log(), [good]);
});
