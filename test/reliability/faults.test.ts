// Registry faults × phases against the real service process: the reduced run of `node bench/chaos.ts
// faults` (1 s interval). The registry is CNCF Distribution on loopback; faults come from the spec
// peer in front of it (test/helpers/protocol-registry.ts, OCI distribution-spec v1.1) and from the
// real token issuer (Docker token auth spec). What must hold for every fault (the
// safety rules): last known good keeps being served and is flagged stale; never 2xx with an empty
// list; never a digest the registry did not give; never a move backwards; the newest tag is served
// again once the fault clears. (The request budget has its own test: budget.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFaultMatrix } from '../../bench/lib/fault-matrix.ts';
import { snapshotCli } from '../../bench/lib/service.ts';
import { FAKE } from './lib/secrets.ts';

test('every registry fault, at cold start, in steady state and across a restart: last good served stale, no empty 2xx, no downgrade, recovery, every answer checked', async (t) => {
  const cli = await snapshotCli();
  t.after(() => cli.remove());
  const result = await runFaultMatrix({ cli: cli.cli, intervalSeconds: 1, token: FAKE.serviceToken });
  t.diagnostic(`${result.answers} getparams answers checked`);
  for (const r of result.rows) t.diagnostic(`${r.phase.padEnd(7)} ${r.fault.padEnd(52)} ${r.served} | stale ${r.staleFlagged} | recovery ${r.recoveryMs ?? '-'} ms | ${r.requests} req`);
  assert.deepEqual(result.violations, []);
  assert.ok(result.answers > 200, `too few answers checked (${result.answers})`);
  const cold = result.rows.filter((r) => r.phase === 'cold' && r.id !== 'latency-under' && r.id !== 'no-digest' && r.id !== 'ctype');
  // A cold start through a fault that hides the image must refuse (never an empty 2xx).
  for (const r of cold.filter((x) => !['tags-null'].includes(x.id))) assert.match(r.served, /^5\d\d GEN_NOT_RESOLVED/, `${r.id} at cold start answered ${r.served}`);
  const steady = result.rows.filter((r) => r.phase === 'steady');
  assert.equal(steady.length, result.rows.length / 3);
  for (const r of steady) assert.ok(r.recoveryMs !== undefined, `${r.id} never recovered`);
  // The faults that hide the image were seen as faults: flagged stale once a scan went through them.
  for (const r of steady.filter((x) => ['s503', 'drop', 'corrupt', 'digest', 'token-expired'].includes(x.id))) assert.ok(r.staleFlagged, `${r.id} was never flagged stale`);
});
