// Stale Events follow the documented rule: a served resolution with no successful scan for three
// poll intervals gives one Stale Event per episode; a single failed scan gives none, and a
// successful scan ends the episode. A manual clock; the cache changes as the poller would write it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CacheEntry } from '../../src/cache/types.ts';
import { followStaleness } from '../../src/operations/stale-events.ts';
import type { PromotionEvent } from '../../src/operations/types.ts';
import { manualClock } from '../../src/shared/clock.ts';

const current = { tag: '1.0.0', digest: 'sha256:' + 'a'.repeat(64), ref: 'r/web:1.0.0', platforms: ['linux/amd64'], resolvedAt: '2026-11-30T14:00:00.000Z' };

test('one Stale Event after three intervals without a successful scan, none for one failure, again after a recovery', () => {
  const clock = manualClock(Date.parse('2026-11-30T14:00:00Z'));
  let entry: CacheEntry = { watch: 'web', environment: 'default', image: 'r/web', current, history: [], lastCheckedAt: new Date(clock.now()).toISOString() };
  const listeners = new Set<(changed: readonly CacheEntry[]) => void>();
  const cache = { entries: () => [entry], onChange: (l: (changed: readonly CacheEntry[]) => void) => (listeners.add(l), () => void listeners.delete(l)) };
  const seen: PromotionEvent[] = [];
  const stop = followStaleness({ cache, clock, intervalSeconds: () => 60, leads: () => true }, { emit: (e) => seen.push(e) });
  const scan = (ok: boolean): void => {
    clock.advance(60_000);
    const at = new Date(clock.now()).toISOString();
    entry = ok ? { ...entry, lastCheckedAt: at, lastError: undefined } as CacheEntry : { ...entry, lastCheckedAt: at, lastError: { code: 'REGISTRY_UNREACHABLE', message: 'connection refused', at } };
    if (ok) delete (entry as { lastError?: unknown }).lastError;
    listeners.forEach((l) => l([entry]));
  };
  scan(false);
  assert.equal(seen.length, 0, 'one failed scan is no Event');
  scan(true);
  scan(false);
  scan(false);
  assert.equal(seen.length, 0, 'two intervals since the last success');
  scan(false);
  assert.equal(seen.length, 1, 'three intervals since the last success');
  assert.equal(seen[0]!.reason, 'Stale');
  assert.match(seen[0]!.note, /^web\/default keeps serving 1\.0\.0: no successful scan since .*REGISTRY_UNREACHABLE/);
  scan(false);
  assert.equal(seen.length, 1, 'one Event per episode');
  scan(true);
  for (let i = 0; i < 3; i++) scan(false);
  assert.equal(seen.length, 2, 'a new episode after a recovery');
  stop();
});
