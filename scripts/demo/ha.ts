// `npm run demo -- --ha`: two replicas of `serve --ha` (real processes) against the loopback
// Kubernetes API peer (Leases and ConfigMaps, as the API server serves them) and a real registry.
// It shows which replica holds the Lease, that both answer the same bytes at the same state
// revision, SIGKILLs the leader, and shows the other replica taking the Lease and still answering
// that revision; then a push reaches the new leader and both serve the next revision.
// The Lease is 2 s here (production default 15 s), so the fail-over happens while you watch.
import type { TestContext } from 'node:test';
import { request } from 'undici';
import { pushImage } from '../../test/helpers/images.ts';
import { startRegistry } from '../../test/helpers/registry.ts';
import { ask, startCluster, tagOf, TIMING, WEBHOOK_SECRET, type Answer, type Cluster } from '../../test/ha/replicas.ts';
import { line, say } from './output.ts';
import { until } from '../../test/helpers/until.ts';

/** How long any one step may take on a busy machine; it normally takes a few seconds. */
const STEP_DEADLINE_MS = 90_000;

function show(cluster: Cluster, answers: ReadonlyArray<{ id: string } & Answer>): void {
  const leader = cluster.leader();
  for (const a of answers) line(`${a.id.padEnd(10)} ${(a.id === leader ? 'leader' : 'follower').padEnd(9)} HTTP ${a.status}  x-state-revision ${a.revision ?? '-'}  web=${tagOf(a.text) ?? '-'}`);
}

async function askAll(cluster: Cluster): Promise<Array<{ id: string } & Answer>> {
  const live = cluster.replicas.filter((r) => !r.exited);
  return Promise.all(live.map(async (r) => ({ id: r.id, ...(await ask(r.url)) })));
}

async function allServe(cluster: Cluster, tag: string): Promise<Array<{ id: string } & Answer>> {
  return until(async () => {
    const answers = await askAll(cluster);
    return answers.every((a) => a.status === 200 && tagOf(a.text) === tag) && new Set(answers.map((a) => a.revision)).size === 1 ? answers : undefined;
  }, { what: `every replica serving web ${tag}`, deadlineMs: STEP_DEADLINE_MS });
}

/** Runs the fail-over demo; `onCleanup` receives everything to stop at the end. */
export async function haDemo(onCleanup: (fn: () => Promise<unknown>) => void): Promise<void> {
  const t: Pick<TestContext, 'after'> = { after: (fn: () => unknown) => onCleanup(async () => fn()) };
  say('HA 1. A real OCI registry on 127.0.0.1 with acme/web:1.0.0, and a loopback Kubernetes API (Leases, ConfigMaps)');
  const reg = await startRegistry();
  onCleanup(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'web-1.0.0' });
  line(`pushed ${reg.host}/acme/web:1.0.0`);

  say(`HA 2. Two replicas: argocd-image-plugins serve --ha (Lease ${TIMING.lease} s, renew deadline ${TIMING.renew} s, retry ${TIMING.retry} s)`);
  const cluster = await startCluster(t, reg, ['replica-a', 'replica-b']);
  for (const r of cluster.replicas) line(`${r.id} listening at ${r.url}`);
  const before = await allServe(cluster, '1.0.0');
  const leaderId = cluster.leader();
  line(`Lease argocd/argocd-image-plugins is held by ${leaderId}: only it polls the registry and writes the state ConfigMap; the other one follows it`);
  show(cluster, before);
  line(`same revision, same bytes: ${new Set(before.map((a) => a.text)).size === 1 ? 'yes' : 'NO'}`);

  say(`HA 3. SIGKILL the leader (${leaderId}): no Lease release, the follower takes over once the Lease expires`);
  const leader = cluster.replicas.find((r) => r.id === leaderId)!;
  leader.child.kill('SIGKILL');
  await leader.child;
  const killedAt = performance.now();
  const next = await until(() => (cluster.leader() !== leaderId && cluster.leader() !== '' ? cluster.leader() : undefined), { what: 'a new leader', deadlineMs: STEP_DEADLINE_MS });
  line(`${next} holds the Lease ${(performance.now() - killedAt).toFixed(0)} ms after the kill (Lease ${TIMING.lease * 1000} ms)`);
  const after = await askAll(cluster);
  show(cluster, after);
  const same = after.every((a) => a.status === 200 && a.revision === before[0]!.revision && a.text === before[0]!.text);
  line(`it answers the same revision ${before[0]!.revision} with the same bytes as before the kill: ${same ? 'yes' : 'NO'}`);
  if (!same) throw new Error('the new leader does not answer the revision served before the kill');

  say('HA 4. Push acme/web:1.1.0 and send the registry webhook: the new leader publishes the next revision');
  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'web-1.1.0' });
  const hook = await request(`${cluster.replicas.find((r) => !r.exited)!.url}/api/v1/webhooks/distribution`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` }, body: JSON.stringify({ events: [{ action: 'push', target: { repository: 'acme/web', tag: '1.1.0' }, request: { host: reg.host } }] }) });
  await hook.body.dump();
  show(cluster, await allServe(cluster, '1.1.0'));
}
