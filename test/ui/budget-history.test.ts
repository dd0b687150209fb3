// The request budget's history on the status page keeps changes only: an idle registry adds no
// sample, so the state the pages poll stays the same (a 304) instead of changing at every sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RegistryStats } from '../../src/registry/types.ts';
import { manualClock } from '../../src/shared/clock.ts';
import { createBudgetHistory } from '../../src/ui/registries.ts';
import { mustParse } from '../generator/fixture.ts';

test('budget samples are taken on change only, with their time; the history sequence moves with them', (t) => {
  const config = mustParse({
    server: { tokenFile: '/nonexistent/token' },
    registries: [{ host: 'registry.test:5000', url: 'http://127.0.0.1:1', insecure: true, requestBudget: 100 }],
    watches: [{ name: 'web', image: 'registry.test:5000/acme/web', policy: { semver: { range: '*' } } }],
  });
  const clock = manualClock(1_000_000);
  let left = 100;
  const stats = (): ReadonlyMap<string, RegistryStats> => new Map([['registry.test:5000', { requestsByStatus: {}, budgetLeft: left }]]);
  const history = createBudgetHistory({ config: () => config, stats, clock, periodMs: 3_600_000 });
  t.after(() => history.stop());
  const first = history.sequence;
  assert.deepEqual(history.samples('registry.test:5000'), [{ at: 1_000_000, used: 0 }]);
  for (let i = 0; i < 5; i++) {
    clock.advance(10_000);
    history.sample();
  }
  assert.equal(history.sequence, first, 'nothing was spent: no new sample, the same state');
  assert.equal(history.samples('registry.test:5000').length, 1);
  left = 97;
  clock.advance(10_000);
  history.sample();
  assert.equal(history.sequence, first + 1);
  assert.deepEqual(history.samples('registry.test:5000'), [{ at: 1_000_000, used: 0 }, { at: 1_060_000, used: 3 }]);
});
