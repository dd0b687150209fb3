// Several replicas, registry-load drill: one replica (plain `serve`) and then three `serve --ha`
// replicas poll the same real registry every second, each process through its own counting proxy.
// Prints the requests the registry received in the first N poll cycles (start-up scan included) for
// one replica and for three, and what each follower sent (goal: identical counts, followers 0).
//   node bench/ha-requests.ts [--cycles N]
import { parseArgs } from 'node:util';
import type { TestContext } from 'node:test';
import { startCountingProxy } from '../test/helpers/counting-proxy.ts';
import { pushImage } from '../test/helpers/images.ts';
import { startRegistry } from '../test/helpers/registry.ts';
import { startCluster } from '../test/ha/replicas.ts';
import { cycleRequests, sorted } from '../test/ha/request-count.ts';
import { until } from '../test/helpers/until.ts';

const { values } = parseArgs({ options: { cycles: { type: 'string', default: '20' } } });
const cycles = Number(values.cycles);
const cleanups: Array<() => unknown> = [];
const t: Pick<TestContext, 'after'> = { after: (fn: () => unknown) => void cleanups.push(fn) };
const deadline = (cycles + 30) * 2000;

const reg = await startRegistry();
cleanups.push(() => reg.stop());
for (const [i, tag] of ['1.0.0', '1.1.0', '1.2.0'].entries()) await pushImage(reg, 'acme/web', tag, { created: `2026-01-0${i + 1}T00:00:00Z`, label: tag });

async function run(ids: string[], single: boolean): Promise<{ leader: string[]; others: number[] }> {
  const proxies = await Promise.all(ids.map(() => startCountingProxy(reg.url)));
  cleanups.push(() => Promise.all(proxies.map((p) => p.stop())));
  const cluster = await startCluster(t, reg, ids, { single, intervalSeconds: 1, registryUrl: Object.fromEntries(ids.map((id, i) => [id, proxies[i]!.url])) });
  const leaderId = single ? ids[0]! : await until(() => cluster.leader() || undefined, { what: 'a leader' });
  const leaderProxy = proxies[ids.indexOf(leaderId)]!;
  const leader = await until(() => cycleRequests(leaderProxy.seen, 1, cycles), { what: `${cycles} cycles`, deadlineMs: deadline });
  const others = proxies.filter((p) => p !== leaderProxy).map((p) => p.seen.length);
  for (const r of cluster.replicas) r.child.kill('SIGKILL');
  await Promise.allSettled(cluster.replicas.map((r) => r.child));
  return { leader, others };
}

const one = await run(['solo'], true);
const three = await run(['r1', 'r2', 'r3'], false);
for (const fn of cleanups.reverse()) await fn();
const same = JSON.stringify(sorted(one.leader)) === JSON.stringify(sorted(three.leader));
process.stdout.write(`registry requests in the first ${cycles} poll cycles, start-up scan included (interval 1 s, one watch, 3 tags):\n`);
process.stdout.write(`  1 replica:  ${one.leader.length} (${(one.leader.length / cycles).toFixed(2)} per cycle)\n`);
process.stdout.write(`  3 replicas: ${three.leader.length} from the leader (${(three.leader.length / cycles).toFixed(2)} per cycle), followers ${three.others.join(' and ')}; ratio 3:1 = ${(three.leader.length / one.leader.length).toFixed(2)}\n`);
process.stdout.write(`  same requests, cycle for cycle: ${same ? 'yes' : 'NO'}\n`);
process.exitCode = same && three.others.every((n) => n === 0) ? 0 : 1;
