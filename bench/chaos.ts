// `node bench/chaos.ts [faults|budget|crash|all] [--kills 200] [--interval 5]`: the long reliability
// runs, printing the figures for docs/reliability.md.
//  - faults: every registry fault × cold start / steady state / restart (bench/lib/fault-matrix.ts),
//    as a markdown table, with recovery time as a ratio of the poll interval;
//  - budget: a 503 storm against a registry with requestBudget 3, beside the same storm with no
//    effective budget (the baseline measured in the same run);
//  - crash: SIGKILL at random moments while resolutions change, --kills times (bench/lib/crash.ts).
// Exits 1 when any invariant broke.
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { runFaultMatrix } from './lib/fault-matrix.ts';
import { runBudgetStorm } from './lib/budget.ts';
import { runCrashLoop } from './lib/crash.ts';
import { snapshotCli } from './lib/service.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { kills: { type: 'string', default: '200' }, interval: { type: 'string', default: '5' }, seed: { type: 'string', default: '20260301' } } });
const what = positionals[0] ?? 'all';
const TOKEN = 'chaos-token-0123456789';
spawnSync(process.execPath, ['scripts/build.ts'], { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname });
const cli = await snapshotCli();
let failed = false;
try {
  if (what === 'faults' || what === 'all') {
    const interval = Number(values.interval);
    const started = Date.now();
    const r = await runFaultMatrix({ cli: cli.cli, intervalSeconds: interval, token: TOKEN, log: (l) => console.error(l) });
    console.log(`\n## faults (interval ${interval} s, each fault held ${Math.max(6, 2 * interval)} s; ${r.answers} getparams answers checked; ${Math.round((Date.now() - started) / 1000)} s)\n`);
    console.log('| fault | phase | getparams while the fault held | flagged stale | recovery after clearing | × interval | registry requests |');
    console.log('|---|---|---|---|---|---|---|');
    const byFault = [...r.rows].sort((a, b) => a.fault.localeCompare(b.fault) || a.phase.localeCompare(b.phase));
    for (const row of byFault) {
      const ratio = row.recoveryMs === undefined ? '-' : (row.recoveryMs / (interval * 1000)).toFixed(2);
      console.log(`| ${row.fault} | ${row.phase} | ${row.served} | ${row.staleFlagged ? 'yes' : row.scanned ? 'no' : 'no scan finished'} | ${row.recoveryMs ?? 'never'} ms | ${ratio} | ${row.requests} |`);
    }
    const slow = r.rows.filter((x) => x.recoveryMs !== undefined && x.recoveryMs > interval * 1000);
    console.log(`\nrecoveries slower than one interval: ${slow.length} of ${r.rows.length}${slow.length ? ` (${slow.map((x) => `${x.phase}/${x.id} ${x.recoveryMs} ms`).join(', ')})` : ''}`);
    console.log(`violations: ${r.violations.length}`);
    for (const v of r.violations) console.log(`  - ${v}`);
    failed ||= r.violations.length > 0;
  }
  if (what === 'budget' || what === 'all') {
    const r = await runBudgetStorm({ cli: cli.cli, token: TOKEN, intervalSeconds: 1, stormMs: 20_000 });
    console.log(`\n## request budget (requestBudget ${r.budget} per ${r.intervalSeconds} s cycle, ${r.repositories} repositories, 503 storm for 20 s)\n`);
    console.log('| registry | requests during the storm | allowed by the budget | most in one interval | per second |');
    console.log('|---|---|---|---|---|');
    for (const [name, u] of [['requestBudget 3', r.limited], ['no effective budget (baseline)', r.unlimited]] as const) {
      console.log(`| ${name} | ${u.total} | ${u.bound} | ${u.maxPerWindow} | ${(u.total / (u.spanMs / 1000)).toFixed(1)} |`);
    }
    console.log(`ratio budgeted/baseline: ${(r.limited.total / r.unlimited.total).toFixed(2)}; recovered after the storm: ${r.recovered}`);
    failed ||= r.limited.total > r.limited.bound || !r.recovered;
  }
  if (what === 'crash' || what === 'all') {
    const kills = Number(values.kills);
    const started = Date.now();
    const r = await runCrashLoop({ cli: cli.cli, token: TOKEN, webhookSecret: 'chaos-webhook-0123456789', kills, seed: Number(values.seed), log: (l) => console.error(l) });
    console.log(`\n## crash consistency (${kills} SIGKILLs, seed ${values.seed}, ${Math.round((Date.now() - started) / 1000)} s)\n`);
    console.log('| figure | value |');
    console.log('|---|---|');
    console.log(`| kills | ${r.kills} |`);
    console.log(`| rounds where the new tag was served before the kill | ${r.changesServed} |`);
    console.log(`| snapshot unreadable, older than before the kill, or moved backwards | ${r.violations.length} |`);
    console.log(`| restarts answering older than the last answer served before the kill | ${r.servedThenLost} |`);
    console.log(`| restarts answering a newer state written but not yet served at the kill | ${r.writtenNotServed} |`);
    console.log(`| temporary snapshot files left behind | ${r.leftoverTempFiles} |`);
    console.log(`| restart to ready, median / p99 | ${r.restartMs.median} / ${r.restartMs.p99} ms |`);
    for (const v of r.violations) console.log(`  - ${v}`);
    failed ||= r.violations.length > 0;
  }
} finally {
  await cli.remove();
}
if (failed) process.exitCode = 1;
