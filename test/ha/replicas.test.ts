// Three real `serve --ha` processes sharing one Lease and one state through the loopback Kubernetes
// API peer: only the leader writes; followers serve the same bytes at the same revision; a push
// webhook sent to a follower reaches the leader through the API; SIGKILL of the leader brings a new
// leader within the Lease duration + 2 s, and no answer ever goes backwards or comes back empty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { ask, startCluster, tagOf, TIMING, WEBHOOK_SECRET, type Answer } from './replicas.ts';
import { until } from '../helpers/until.ts';

test('three replicas: one leader, identical answers, webhook via a follower, SIGKILL fail-over without going backwards', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const cluster = await startCluster(t, reg, ['r1', 'r2', 'r3']);
  const live = (): typeof cluster.replicas => cluster.replicas.filter((r) => !r.exited);

  // Everyone answers 1.0.0, at the same revision, with the same bytes.
  await until(async () => ((await Promise.all(live().map((r) => ask(r.url)))).every((a) => a.status === 200 && tagOf(a.text) === '1.0.0') ? true : undefined), { what: 'all replicas answer' });
  const first = await Promise.all(live().map((r) => ask(r.url)));
  assert.equal(new Set(first.map((a) => a.revision)).size, 1, 'one revision');
  assert.equal(new Set(first.map((a) => a.text)).size, 1, 'same revision, same bytes');
  const leaderId = cluster.leader();
  assert.ok(['r1', 'r2', 'r3'].includes(leaderId));

  // Watch every answer from now on: per replica the revision never goes down, 200s are never empty,
  // and one revision always has one body.
  const seen: Array<{ id: string } & Answer> = [];
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      for (const r of live()) seen.push({ id: r.id, ...(await ask(r.url)) });
      await new Promise((res) => setTimeout(res, 20));
    }
  })();

  // A push webhook sent to a follower.
  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  const follower = live().find((r) => r.id !== leaderId)!;
  const pushedAt = performance.now();
  const hook = await request(`${follower.url}/api/v1/webhooks/distribution`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` }, body: JSON.stringify({ events: [{ action: 'push', target: { repository: 'acme/web', tag: '1.1.0' }, request: { host: reg.host } }] }) });
  assert.equal(hook.statusCode, 202, await hook.body.text());
  await until(async () => ((await Promise.all(live().map((r) => ask(r.url)))).every((a) => tagOf(a.text) === '1.1.0') ? true : undefined), { what: 'every replica serves 1.1.0' });
  t.diagnostic(`push to a follower → 1.1.0 on all three replicas: ${(performance.now() - pushedAt).toFixed(0)} ms`);

  // SIGKILL the leader.
  const leader = cluster.replicas.find((r) => r.id === leaderId)!;
  leader.child.kill('SIGKILL');
  await leader.child;
  const killedAt = performance.now();
  const next = await until(() => {
    const id = cluster.leader();
    return id !== leaderId && id !== '' ? id : undefined;
  }, { what: 'a new leader' });
  const took = performance.now() - killedAt;
  t.diagnostic(`new leader ${next} after ${took.toFixed(0)} ms (Lease ${TIMING.lease} s)`);
  assert.ok(took <= (TIMING.lease + 2) * 1000, `new leader within the Lease duration + 2 s (took ${took.toFixed(0)} ms)`);

  // The new leader still publishes: another push reaches everyone.
  await pushImage(reg, 'acme/web', '1.2.0', { created: '2026-01-03T00:00:00Z', label: 'c' });
  const survivor = live().find((r) => r.id !== next)!;
  await request(`${survivor.url}/api/v1/webhooks/distribution`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` }, body: JSON.stringify({ events: [{ action: 'push', target: { repository: 'acme/web', tag: '1.2.0' }, request: { host: reg.host } }] }) });
  await until(async () => ((await Promise.all(live().map((r) => ask(r.url)))).every((a) => tagOf(a.text) === '1.2.0') ? true : undefined), { what: 'survivors serve 1.2.0' });
  watching = false;
  await watcher;

  const ok = seen.filter((a) => a.status === 200);
  assert.ok(ok.length > 10);
  for (const a of ok) assert.ok(tagOf(a.text), 'never an empty answer');
  const byRevision = new Map<number, string>();
  for (const a of ok) {
    const known = byRevision.get(a.revision!);
    if (known !== undefined) assert.equal(a.text, known, `revision ${a.revision} answered two ways`);
    byRevision.set(a.revision!, a.text);
  }
  for (const id of ['r1', 'r2', 'r3']) {
    const revisions = ok.filter((a) => a.id === id).map((a) => a.revision!);
    for (let i = 1; i < revisions.length; i++) assert.ok(revisions[i]! >= revisions[i - 1]!, `${id} went backwards`);
  }
  const tags = ok.map((a) => tagOf(a.text)!);
  assert.deepEqual([...new Set(tags)], ['1.0.0', '1.1.0', '1.2.0'].filter((v) => tags.includes(v)));
});

test('a replica that has never received the shared state answers 503 NOT_READY, never an empty list', async (t) => {
  const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { stringify } = await import('yaml');
  const { startKubeApi } = await import('../helpers/kube-api.ts');
  const { startService } = await import('../../src/service/start.ts');
  const { silentLogger } = await import('../generator/fixture.ts');
  const api = await startKubeApi(t, { tokens: { cut: [{ verbs: ['*'], resources: ['*'] }] } });
  api.block('cut');
  const dir = await mkdtemp(join(tmpdir(), 'aip-ha-nostate-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'token'), 'tok-3a9\n');
  await writeFile(join(dir, 'kubeconfig'), stringify({ 'current-context': 'p', contexts: [{ name: 'p', context: { cluster: 'p', user: 'u' } }], clusters: [{ name: 'p', cluster: { server: api.url } }], users: [{ name: 'u', user: { token: 'cut' } }] }));
  await writeFile(join(dir, 'config.yaml'), stringify({ server: { tokenFile: join(dir, 'token'), refreshApplicationSets: false }, cache: { path: join(dir, 'cache.json') }, watches: [{ name: 'web', image: '127.0.0.1:9/acme/web', policy: { semver: { range: '^1' } } }], registries: [{ host: '127.0.0.1:9', url: 'http://127.0.0.1:9', insecure: true }] }));
  const ha = { identity: 'lonely', namespace: 'argocd', leaseName: 'l', stateName: 's', leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 250 };
  const service = await startService({ configPath: join(dir, 'config.yaml'), listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger(), ha, env: { KUBECONFIG: join(dir, 'kubeconfig') } });
  t.after(() => service.close());
  const res = await request(`${service.url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer tok-3a9' }, body: '{"applicationSetName":"web","input":{}}' });
  const body = await res.body.text();
  assert.equal(res.statusCode, 503, body);
  assert.match(body, /NOT_READY.*shared state/);
  const ready = await request(`${service.url}/readyz`);
  assert.equal(ready.statusCode, 503);
  await ready.body.dump();
});
