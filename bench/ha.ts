// Several replicas, failure drill: three real `serve --ha` processes (short Lease: 2 s) against the
// loopback Kubernetes API peer and a real registry. Each round pushes a new tag, posts the webhook to
// a follower and times until all three serve it, then SIGKILLs the leader at a random moment, times
// until a new leader holds the Lease, and starts the killed replica again. An observer asks every
// replica all along: no replica may go backwards, answer an empty list, or answer two ways at one
// revision. Figures are printed against the Lease duration measured in the same run (the goal is
// Lease + 2 s). Before the kills, --pushes N pushes go to a follower of a settled cluster (no replica
// starting up), one after the other: the push-to-every-replica time without restarts in the way.
// Each push follows as soon as the one before is served, so the leader's registry requests come as
// fast as its pacing lets them (requestsPerSecond 10, a burst of 4: docs/registry.md); --gap-ms N
// waits N ms before each push, as pushes seconds apart would, so the pacing has its burst back.
//   node bench/ha.ts [--kills N] [--pushes N] [--gap-ms N]     (npm run bench runs it with --kills 20)
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { pushImage } from '../test/helpers/images.ts';
import { ask, pushEnvelope, tagOf, TIMING, WEBHOOK_SECRET, type Answer } from '../test/ha/replicas.ts';
import { quantile, startDrill } from './lib/ha-drill.ts';
import { until } from '../test/helpers/until.ts';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '20' }, pushes: { type: 'string', default: '0' }, 'gap-ms': { type: 'string', default: '0' } } });
const kills = Number(values.kills);
const steadyPushes = Number(values.pushes);
const gapMs = Number(values['gap-ms']);
const { reg, cluster, finish } = await startDrill();
const live = (): typeof cluster.replicas => cluster.replicas.filter((r) => !r.exited);

const seen: Array<{ id: string } & Answer> = [];
let observing = true;
const observer = (async () => {
  while (observing) {
    for (const r of live()) seen.push({ id: r.id, ...(await ask(r.url)) });
    await new Promise((res) => setTimeout(res, 15));
  }
})();

/** Pushes tag 1.0.<n>, posts the webhook to a follower, and times until every live replica serves it. */
async function pushViaFollower(n: number): Promise<number> {
  const tag = `1.0.${n}`;
  if (gapMs > 0) await new Promise((res) => setTimeout(res, gapMs));
  const pushed = await pushImage(reg, 'acme/web', tag, { created: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), label: `v${n}` });
  const follower = live().find((r) => r.id !== cluster.leader())!;
  const pushedAt = performance.now();
  // What the registry sends for a push by tag: the target names the manifest's digest too.
  const hook = await request(`${follower.url}/api/v1/webhooks/distribution`, { method: 'POST', headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${WEBHOOK_SECRET}` }, body: pushEnvelope(reg.host, 'acme/web', tag, pushed) });
  await hook.body.dump();
  await until(async () => ((await Promise.all(live().map((r) => ask(r.url)))).every((a) => tagOf(a.text) === tag) ? true : undefined), { what: `${tag} everywhere` });
  const done = performance.now();
  // Where the time went, from the API peer's write log (same clock): the follower's rescan request,
  // then the leader's state head write.
  const writes = cluster.api.writes.filter((w) => w.at > pushedAt && w.code < 300);
  // The first request creates the requests ConfigMap; later ones patch it.
  const asked = writes.find((w) => w.resource === 'configmaps' && ((w.verb === 'patch' && w.name === 'argocd-image-plugins-state-requests') || w.verb === 'create'))?.at ?? NaN;
  const head = writes.find((w) => w.at > asked && w.verb === 'update' && w.name === 'argocd-image-plugins-state')?.at ?? NaN;
  // The leader's own log (pino's epoch-ms time, mapped onto this process's clock): its rescan began
  // when the request's watch event arrived, and ended when it logged the changed resolution.
  const leader = cluster.replicas.find((r) => r.id === cluster.leader());
  const logged = (msg: string): number => {
    const line = leader?.lines.map((l) => JSON.parse(l) as { msg?: string; time?: number; image?: string }).find((l) => l.msg === msg && (l.time ?? 0) - performance.timeOrigin > pushedAt);
    return line?.time === undefined ? NaN : line.time - performance.timeOrigin;
  };
  const scanning = logged('scan requested');
  const scanned = logged('resolution changed');
  stages.push([asked - pushedAt, scanning - asked, scanned - scanning, head - scanned, done - head]);
  return done - pushedAt;
}
const stages: Array<[number, number, number, number, number]> = [];

const steady: number[] = [];
for (let n = 1; n <= steadyPushes; n++) {
  steady.push(await pushViaFollower(n));
  process.stdout.write(`push ${n}: ${steady.at(-1)!.toFixed(0)} ms\n`);
}

const failovers: number[] = [];
const pushes: number[] = [];
for (let k = 1; k <= kills; k++) {
  const leaderId = cluster.leader();
  pushes.push(await pushViaFollower(steadyPushes + k));
  // Kill at a random moment within the next renew period.
  await new Promise((res) => setTimeout(res, Math.random() * TIMING.retry * 1000));
  const leader = cluster.replicas.find((r) => r.id === leaderId && !r.exited)!;
  leader.child.kill('SIGKILL');
  await leader.child;
  const killedAt = performance.now();
  await until(() => (cluster.leader() !== leaderId && cluster.leader() !== '' ? true : undefined), { what: 'a new leader' });
  failovers.push(performance.now() - killedAt);
  cluster.replicas.splice(cluster.replicas.indexOf(leader), 1);
  await cluster.start(leaderId);
  process.stdout.write(`round ${k}: push→3 replicas ${pushes.at(-1)!.toFixed(0)} ms, new leader after ${failovers.at(-1)!.toFixed(0)} ms\n`);
}
observing = false;
await observer;

const violations: string[] = [];
const byRevision = new Map<number, string>();
const last = new Map<string, number>();
for (const a of seen.filter((x) => x.status === 200)) {
  if (!tagOf(a.text)) violations.push(`${a.id}: empty answer at revision ${a.revision}`);
  const known = byRevision.get(a.revision!);
  if (known !== undefined && known !== a.text) violations.push(`revision ${a.revision} answered two ways`);
  byRevision.set(a.revision!, a.text);
  if ((last.get(a.id) ?? 0) > a.revision!) violations.push(`${a.id} went back from ${last.get(a.id)} to ${a.revision}`);
  last.set(a.id, a.revision!);
}
const leaseMs = TIMING.lease * 1000;
process.stdout.write(`\nreplicas 3, kills ${kills}, answers observed ${seen.length} (non-200 during restarts: ${seen.filter((a) => a.status !== 200).length})\n`);
if (steady.length > 0) process.stdout.write(`push to a follower of a settled cluster → all replicas serve it (${steady.length} pushes${gapMs > 0 ? `, ${gapMs} ms apart` : ', back to back'}): median ${quantile(steady, 0.5).toFixed(0)} ms, p95 ${quantile(steady, 0.95).toFixed(0)} ms, max ${Math.max(...steady).toFixed(0)} ms (goal < 1000 ms)\n`);
if (steady.length > 0) {
  const of = (i: number): number[] => stages.slice(0, steady.length).map((x) => x[i]!).filter(Number.isFinite);
  const stage = (i: number): string => `median ${quantile(of(i), 0.5).toFixed(0)}, max ${Math.max(...of(i)).toFixed(0)} ms (${of(i).length} pushes)`;
  process.stdout.write(`  webhook → rescan request recorded: ${stage(0)}\n  → the leader starts the rescan (request watch event): ${stage(1)}\n  → rescan done (registry): ${stage(2)}\n  → state head written (publish): ${stage(3)}\n  → every replica serves it (follower watch, bench polling): ${stage(4)}\n`);
  const slow = stages.slice(0, steady.length).map((x, i) => [steady[i]!, ...x]).sort((a, b) => b[0]! - a[0]!).slice(0, 3);
  process.stdout.write(`  slowest pushes (total; stages as above): ${slow.map((x) => x.map((v) => v.toFixed(0)).join('/')).join(', ')}\n`);
}
if (kills > 0) process.stdout.write(`new leader after SIGKILL: median ${quantile(failovers, 0.5).toFixed(0)} ms, p90 ${quantile(failovers, 0.9).toFixed(0)} ms, p95 ${quantile(failovers, 0.95).toFixed(0)} ms, max ${Math.max(...failovers).toFixed(0)} ms = ${(Math.max(...failovers) / leaseMs).toFixed(2)}× the Lease (${leaseMs} ms; goal ≤ Lease + 2 s)\n`);
if (kills > 0) process.stdout.write(`push to a follower right after a restart → all replicas serve it: median ${quantile(pushes, 0.5).toFixed(0)} ms, max ${Math.max(...pushes).toFixed(0)} ms (goal < 1000 ms)\n`);
process.stdout.write(`violations (backwards, empty, two answers at one revision): ${violations.length}\n${violations.slice(0, 10).join('\n')}\n`);
await finish();
process.exitCode = violations.length === 0 && (kills === 0 || Math.max(...failovers) <= leaseMs + 2000) ? 0 : 1;
