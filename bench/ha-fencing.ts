// Several replicas, API-loss drill: three real `serve --ha` processes (Lease 2 s, renew deadline
// 1.5 s) against the loopback Kubernetes API peer. Each round the peer refuses the leader's token
// (connections reset) while the followers keep the API; the bench times until another replica holds
// the Lease and reads the peer's write log: the gap between the old leader's last accepted Lease or
// state write and the new leader's first (fencing: must be positive), and any old-leader write the API
// accepted after the new leader's first (must be none, also after the old leader is let back in).
//   node bench/ha-fencing.ts [--rounds N]
import { parseArgs } from 'node:util';
import { handover } from '../test/ha/handover.ts';
import { TIMING } from '../test/ha/replicas.ts';
import { quantile, startDrill } from './lib/ha-drill.ts';
import { until } from '../test/helpers/until.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '10' } } });
const rounds = Number(values.rounds);
const { cluster, finish } = await startDrill();

const gaps: number[] = [];
const takeovers: number[] = [];
let late = 0;
for (let k = 1; k <= rounds; k++) {
  const oldId = cluster.leader();
  const cutAt = performance.now();
  cluster.api.block(`sa-${oldId}`);
  const newId = await until(() => (cluster.leader() !== oldId && cluster.leader() !== '' ? cluster.leader() : undefined), { what: 'a new leader' });
  takeovers.push(performance.now() - cutAt);
  const h = await until(() => handover(cluster.api.writes, `sa-${oldId}`, `sa-${newId}`, cutAt), { what: 'the new leader writes' });
  gaps.push(h.gapMs);
  cluster.api.unblock(`sa-${oldId}`);
  // Let the old leader back in for a few of the new leader's renewals before the next round.
  const renewals = cluster.api.writes.length;
  await until(() => (cluster.api.writes.filter((w, i) => i >= renewals && w.token === `sa-${newId}`).length >= 4 ? true : undefined), { what: 'renewals with the old leader back' });
  late += handover(cluster.api.writes, `sa-${oldId}`, `sa-${newId}`, cutAt)!.late.length;
  process.stdout.write(`round ${k}: ${oldId} cut off → ${newId} leads after ${takeovers.at(-1)!.toFixed(0)} ms; gap between their writes ${h.gapMs.toFixed(0)} ms\n`);
}
await finish();

process.stdout.write(`\nreplicas 3, Lease ${TIMING.lease} s, renew deadline ${TIMING.renew} s, ${rounds} rounds\n`);
process.stdout.write(`new leader after the leader lost the API: median ${quantile(takeovers, 0.5).toFixed(0)} ms, max ${Math.max(...takeovers).toFixed(0)} ms\n`);
process.stdout.write(`gap old leader's last accepted write → new leader's first: min ${Math.min(...gaps).toFixed(0)} ms, median ${quantile(gaps, 0.5).toFixed(0)} ms, max ${Math.max(...gaps).toFixed(0)} ms (must be > 0)\n`);
process.stdout.write(`old-leader writes accepted after the new leader's first: ${late} (must be 0)\n`);
process.exitCode = late === 0 && Math.min(...gaps) > 0 ? 0 : 1;
