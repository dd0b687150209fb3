// 24 simulated hours of the real poller and registry client against the real registry behind a
// Docker Hub-style limiting proxy (100 requests per rolling 6 h, 429 with `ratelimit-*` beyond it),
// on virtual time (test/helpers/rate-sim.ts): N watches, some used by clusters (getparams every
// 30 min), the rest not. Prints 429s, the oldest answer of a used watch in poll intervals (from the
// service start, and after the cold start), against a baseline measured in the same run: the same
// poller without a usage book (every watch counts as used). Then the largest number of used watches
// that stays within 2 intervals, derived and confirmed by runs around it.
// Run: node bench/rate-limit-sim.ts [--interval 3600] [--hours 24] [--used 12] [--unused 12]
import { parseArgs } from 'node:util';
import { startRegistry } from '../test/helpers/registry.ts';
import { fillRegistry, simulate, type SimFigures, type SimOptions } from '../test/helpers/rate-sim.ts';

const { values } = parseArgs({ options: { interval: { type: 'string', default: '3600' }, hours: { type: 'string', default: '24' }, used: { type: 'string', default: '12' }, unused: { type: 'string', default: '12' }, search: { type: 'string', default: '8,16,24,28,30,32,33' } } });
const intervalSeconds = Number(values.interval);
const hours = Number(values.hours);
const limit = 100;
const windowSeconds = 21_600;
const searchList = values.search.split(',').map(Number);
// the registry window keeps one request back, so the sustained rate is (limit - 1) per window
const perInterval = ((limit - 1) / windowSeconds) * intervalSeconds;

const fmt = (f: SimFigures): string =>
  `requests ${f.requests}, 429s ${f.refused}, used watch oldest ${f.usedWorst.toFixed(2)} intervals (after the cold start ${f.usedWorstWarm.toFixed(2)}; every used watch answered by ${f.usedWarmAt.toFixed(2)}), unused oldest ${f.unusedWorst.toFixed(2)}, scans per used / unused watch ${f.usedScans.toFixed(1)} / ${f.unusedScans.toFixed(1)}`;

const registry = await startRegistry();
try {
  const used = Number(values.used);
  const unused = Number(values.unused);
  await fillRegistry(registry, Math.max(used + unused, ...searchList.map((n) => n + 4)));
  const base: SimOptions = { used, unused, intervalSeconds, hours, limit, windowSeconds };
  console.log(`registry: ${limit} requests per ${windowSeconds / 3600} h per credential; interval ${intervalSeconds} s; ${hours} simulated hours; ${used} used + ${unused} unused watches`);
  const first = await simulate(registry, base);
  const baseline = await simulate(registry, { ...base, usage: false });
  console.log(`used first:                 ${fmt(first)}`);
  console.log(`baseline (no usage order):  ${fmt(baseline)}`);
  console.log(`ratio used-watch oldest after the cold start, used first / baseline: ${(first.usedWorstWarm / baseline.usedWorstWarm).toFixed(2)}`);
  console.log(`derived: ${perInterval.toFixed(2)} requests per interval; a warm scan costs 1 request, a first scan 4, so at most ${Math.floor(2 * perInterval)} used watches stay within 2 intervals once warm, ${Math.floor((2 * perInterval) / 4)} from a cold start`);
  let fits = 0;
  for (const n of searchList) {
    const f = await simulate(registry, { ...base, used: n, unused: 4 });
    const ok = f.refused === 0 && f.usedWorstWarm <= 2;
    if (ok) fits = Math.max(fits, n);
    console.log(`  ${String(n).padStart(3)} used: ${fmt(f)} -> ${ok ? 'within 2 intervals' : 'beyond'}`);
  }
  console.log(`confirmed: the largest tried number of used watches within 2 intervals after the cold start at ${intervalSeconds} s: ${fits}`);
} finally {
  await registry.stop();
}
