// Wave assignment: selector waves claim their clusters first, percent waves share out the rest by a
// hash of the cluster name, so a cluster's wave never depends on which other clusters exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RolloutSpec } from '../../src/config/types.ts';
import { bucketOf, waveOf } from '../../src/promotion/waves.ts';

const ROLLOUT: RolloutSpec = {
  waves: [{ kind: 'selector', selector: { matchLabels: { wave: 'canary' }, matchExpressions: [] } }, { kind: 'percent', percent: 20 }, { kind: 'percent', percent: 80 }],
  pauseMs: 0,
  requireHealthy: true,
};

test('a selector wave claims its clusters before any percentage', () => {
  assert.equal(waveOf(ROLLOUT, { name: 'anything', labels: { wave: 'canary' } }), 0);
});

test('percent waves share the other clusters by a stable hash of the name, close to their shares', () => {
  const names = Array.from({ length: 2000 }, (_, i) => `cluster-${i}`);
  const waves = names.map((name) => waveOf(ROLLOUT, { name, labels: {} }));
  const second = waves.filter((w) => w === 1).length;
  assert.ok(second > 300 && second < 500, `about 20 % in the second wave, got ${second} of 2000`);
  assert.ok(waves.every((w) => w === 1 || w === 2));
  // The same name lands in the same wave whatever else exists, and the bucket is SHA-256 based.
  assert.deepEqual(names.slice(0, 50).map((name) => waveOf(ROLLOUT, { name, labels: {} })), waves.slice(0, 50));
  assert.equal(bucketOf('prod-eu-1'), bucketOf('prod-eu-1'));
  for (const name of names.slice(0, 100)) assert.equal(waveOf(ROLLOUT, { name, labels: {} }), bucketOf(name) < 20 ? 1 : 2);
});

test('with selector waves only, a cluster none matches is in the last wave', () => {
  const selectors: RolloutSpec = { ...ROLLOUT, waves: [ROLLOUT.waves[0]!, { kind: 'selector', selector: { matchLabels: { wave: 'early' }, matchExpressions: [] } }] };
  assert.equal(waveOf(selectors, { name: 'x', labels: {} }), 1);
});
