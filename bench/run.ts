// `npm run bench`: every benchmark in turn, each printing its figures and its ratios against a
// baseline measured in the same run. The long reliability runs (bench/chaos.ts, bench/load.ts) take
// their defaults from the issue (hundreds of kills, 60 s of load); pass `--quick` for short ones.
import { spawnSync } from 'node:child_process';
import { ensureTools } from '../scripts/ensure-tools.ts';

const quick = process.argv.includes('--quick');
const RUNS: Array<[string, string[]]> = [
  ['scripts/build.ts', []],
  ['bench/poller.ts', []],
  ['bench/cache-memory.ts', [quick ? '50000' : '200000']],
  ['bench/cmp.ts', [quick ? '3' : '9']],
  ['bench/cmp-stream.ts', [quick ? '1' : '3']],
  ['bench/verify.ts', quick ? ['--repos', '5', '--resolves', '3'] : []],
  ['bench/getparams.ts', quick ? ['--seconds', '1'] : []],
  ['bench/promotion.ts', quick ? ['--runs', '20'] : []],
  ['bench/promotion-gate.ts', quick ? ['--openings', '4', '--steady', '10'] : []],
  ['bench/promotion-scale.ts', quick ? ['--clusters', '100', '--watches', '20', '--requests', '10'] : []],
  ['bench/ui.ts', quick ? ['--loads', '2', '--seconds', '2', '--rounds', '1'] : []],
  ['bench/load.ts', quick ? ['--connections', '50', '--seconds', '5'] : []],
  ['bench/chaos.ts', quick ? ['all', '--kills', '20'] : ['all']],
  ['bench/ha.ts', ['--kills', quick ? '3' : '20']],
  ['bench/webhook.ts', ['--rounds', quick ? '5' : '20']],
  ['bench/cloud-auth.ts', ['--hours', quick ? '2' : '24']],
  ['bench/rate-limit-sim.ts', quick ? ['--hours', '6', '--search', '8'] : []],
];

ensureTools();
let failed = 0;
for (const [file, args] of RUNS) {
  process.stdout.write(`\n# ${file} ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [file, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed += 1;
    process.stdout.write(`${file} exited ${r.status ?? r.signal}\n`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
