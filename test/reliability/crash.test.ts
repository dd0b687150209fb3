// Crash consistency, reduced: 12 SIGKILLs at random moments while resolutions change (the long run
// is `node bench/chaos.ts crash`, hundreds of kills). The real service process, the real registry on
// loopback, Distribution push notifications as the change trigger. After every kill the snapshot
// must parse and be no older than the last completed write seen before the kill; the restarted
// service's first answer must match the snapshot and never be older than the last answer served
// before the crash (it equals a pre-crash answer, or a newer one written just before the kill).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { killRightAfterChange, runCrashLoop } from '../../bench/lib/crash.ts';
import { snapshotCli } from '../../bench/lib/service.ts';
import { FAKE } from './lib/secrets.ts';

test('SIGKILL at random moments while resolutions change: the cache always loads, never goes back, and the first answers equal the pre-crash ones', async (t) => {
  const cli = await snapshotCli();
  t.after(() => cli.remove());
  // every third round kills only after its change was served, so the run means something on a slow machine too
  const r = await runCrashLoop({ cli: cli.cli, token: FAKE.serviceToken, webhookSecret: FAKE.webhookSecret, kills: 12, seed: 7, settleEvery: 3 });
  t.diagnostic(JSON.stringify({ kills: r.kills, changesServed: r.changesServed, writesLanded: r.writesLandedDuringKillWindow, leftoverTempFiles: r.leftoverTempFiles, servedThenLost: r.servedThenLost, writtenNotServed: r.writtenNotServed, restartMs: r.restartMs }));
  assert.deepEqual(r.violations, []);
  assert.ok(r.changesServed >= r.kills / 3, `resolutions must actually change during the run (${r.changesServed} of ${r.kills} rounds)`);
});

// Safety rule "never downgrade silently" across a crash: once getparams has served a resolution,
// Argo CD has it in the Application spec; a restart must not answer an older one. Today the change
// is written 250 ms after the scan (src/cache/persist.ts debounce) and published to getparams at
// once (src/cache/store.ts record → answer book), and a restart inside the poll interval does not
// re-scan (src/poller/poller.ts restoredScans), so a crash in that window serves the older tag for
// up to one interval.
test('a resolution served just before a SIGKILL is still served after the restart (no silent downgrade across a crash)', async (t) => {
  const cli = await snapshotCli();
  t.after(() => cli.remove());
  const r = await killRightAfterChange({ cli: cli.cli, token: FAKE.serviceToken, webhookSecret: FAKE.webhookSecret });
  assert.equal(r.before.app0, '1.0.1', 'the new tag was served before the kill');
  assert.deepEqual(r.after, r.before, `served ${JSON.stringify(r.before)} before the kill, ${JSON.stringify(r.after)} after the restart (snapshot on disk: ${JSON.stringify(r.onDisk)})`);
});
