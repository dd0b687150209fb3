// `node bench/load.ts [--connections 200] [--seconds 60]`: the generator under sustained concurrent
// load while the poller churns (bench/lib/load.ts). Prints the figures for docs/reliability.md and
// exits 1 on any error, non-2xx, incomplete answer, or memory growth over the run.
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { runLoad } from './lib/load.ts';
import { snapshotCli } from './lib/service.ts';

const { values } = parseArgs({ options: { connections: { type: 'string', default: '200' }, seconds: { type: 'string', default: '60' }, 'heap-mib': { type: 'string' } } });
spawnSync(process.execPath, ['scripts/build.ts'], { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname });
const cli = await snapshotCli();
try {
  const r = await runLoad({ cli: cli.cli, token: 'bench-token-0123456789', webhookSecret: 'bench-webhook-0123456789', connections: Number(values.connections), seconds: Number(values.seconds), ...(values['heap-mib'] !== undefined && { heapMiB: Number(values['heap-mib']) }) });
  const g = r.getparams;
  const h = r.healthz;
  const growth = r.rss.lastQuarterMiB - r.rss.firstQuarterMiB;
  console.log(`load: ${r.connections} connections × ${r.seconds} s${values['heap-mib'] ? `, service old space capped at ${values['heap-mib']} MiB` : ''}, 20 clusters × 3 watches per answer, ${r.changes} resolution changes during the run`);
  console.log('| route | requests | req/s | errors | non-2xx | timeouts | bad bodies | p50 ms | p99 ms | max ms |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, f] of [['getparams', g], ['healthz (baseline)', h]] as const) {
    console.log(`| ${name} | ${f.requests} | ${f.rps} | ${f.errors} | ${f.non2xx} | ${f.timeouts} | ${f.mismatches} | ${f.p50Ms} | ${f.p99Ms} | ${f.maxMs} |`);
  }
  console.log(`ratio getparams/healthz: throughput ${(g.rps / h.rps).toFixed(2)}, p99 ${(g.p99Ms / Math.max(1, h.p99Ms)).toFixed(2)}`);
  console.log(`RSS MiB: start ${r.rss.startMiB}, first quarter ${r.rss.firstQuarterMiB}, last quarter ${r.rss.lastQuarterMiB}, peak ${r.rss.peakMiB}, end ${r.rss.endMiB} (growth first→last quarter ${growth.toFixed(1)} MiB, ratio ${(r.rss.lastQuarterMiB / r.rss.firstQuarterMiB).toFixed(3)})`);
  console.log(`RSS MiB by tenth of the run: ${r.rss.timelineMiB.join(', ')}`);
  const failed = g.errors + g.non2xx + g.timeouts + g.mismatches > 0;
  // Growth. RSS is a poor leak signal (V8 grows its heap lazily, 200 sockets hold buffers), so the
  // sharp check is --heap-mib: with the old space capped, retained growth ends in an out-of-memory
  // crash, which shows up as errors above. Without a cap, a last quarter more than 10 % above the
  // first is reported as growth.
  const grew = values['heap-mib'] === undefined && r.rss.lastQuarterMiB > r.rss.firstQuarterMiB * 1.1;
  if (values['heap-mib'] !== undefined && !failed) console.log(`memory: served the whole run with the old space capped at ${values['heap-mib']} MiB (no retained growth)`);
  if (failed || grew) {
    console.log(failed ? 'FAIL: errors under load' : 'FAIL: RSS grew over the run (rerun with --heap-mib to tell a leak from lazy heap growth)');
    process.exitCode = 1;
  }
} finally {
  await cli.remove();
}
