// The per-registry request budget (config registries[].requestBudget: most requests one poll cycle
// may send) under a 503 storm, counted at the registry (a spec peer in front of CNCF Distribution,
// test/helpers/protocol-registry.ts). A second registry with the same storm and no effective budget,
// in the same service, is the baseline: it proves the storm would exceed the bound without a budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBudgetStorm } from '../../bench/lib/budget.ts';
import { snapshotCli } from '../../bench/lib/service.ts';
import { FAKE } from './lib/secrets.ts';

test('a 503 storm never makes the service exceed a registry request budget, and the repositories recover after it', async (t) => {
  const cli = await snapshotCli();
  t.after(() => cli.remove());
  const r = await runBudgetStorm({ cli: cli.cli, token: FAKE.serviceToken, intervalSeconds: 1, stormMs: 5000 });
  t.diagnostic(JSON.stringify({ budget: r.budget, limited: r.limited, unlimited: r.unlimited, recovered: r.recovered }));
  assert.ok(r.unlimited.total > r.limited.bound, `baseline: without a budget the storm sends ${r.unlimited.total} requests, more than the ${r.limited.bound} the budget allows`);
  assert.ok(r.limited.total <= r.limited.bound, `budgeted registry got ${r.limited.total} requests in ${r.limited.spanMs} ms, budget allows ${r.limited.bound}`);
  assert.ok(r.limited.maxPerWindow <= 2 * r.budget, `budgeted registry got ${r.limited.maxPerWindow} requests within one interval`);
  assert.ok(r.limited.total > 0, 'the storm reached the budgeted registry');
  assert.equal(r.recovered, true, 'every budgeted repository cleared its error after the storm');
});
