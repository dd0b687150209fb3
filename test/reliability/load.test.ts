// The generator under concurrent load while the poller churns, reduced (50 connections, 5 s; the
// long run is `node bench/load.ts`, 200 connections for 60 s). autocannon drives getparams as Argo
// CD sends it; new tags are pushed and announced by Distribution webhooks every 250 ms, and every
// repository is polled each second. Every reply must be 2xx with the full parameter list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad } from '../../bench/lib/load.ts';
import { snapshotCli } from '../../bench/lib/service.ts';
import { FAKE } from './lib/secrets.ts';

test('getparams under 50 concurrent connections while resolutions keep changing: zero errors, every answer complete', async (t) => {
  const cli = await snapshotCli();
  t.after(() => cli.remove());
  const r = await runLoad({ cli: cli.cli, token: FAKE.serviceToken, webhookSecret: FAKE.webhookSecret, connections: 50, seconds: 5 });
  t.diagnostic(JSON.stringify({ getparams: r.getparams, healthz: r.healthz, changes: r.changes, rss: r.rss }));
  // No throughput floor here (a busy machine answers fewer): that figure is bench/load.ts's. Every
  // connection must have been answered at least once for the run to mean anything.
  assert.ok(r.getparams.requests >= 50, `fewer requests than connections (${r.getparams.requests})`);
  assert.equal(r.getparams.errors, 0, 'socket errors');
  assert.equal(r.getparams.timeouts, 0, 'timeouts');
  assert.equal(r.getparams.non2xx, 0, 'non-2xx answers');
  assert.equal(r.getparams.mismatches, 0, 'answers without the full parameter list');
  assert.ok(r.changes >= 3, `the poller must churn during the run (${r.changes} changes)`);
});
