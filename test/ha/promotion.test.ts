// The promotion state is part of the shared state of several replicas: a follower started in the
// middle of a rollout serves the wave the leader opened (not its own idea of the environment), and
// after the leader is killed with SIGKILL the new leader resumes from the shared state: the canary
// wave keeps the new tag, the second wave keeps the old one until its gate opens. Real `serve --ha`
// processes, Applications on the loopback Kubernetes API peer, a real registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { ApplicationWriter } from '../helpers/kube-api-applications.ts';
import { ask, OPERATOR_TOKEN, startCluster, TOKEN } from './replicas.ts';
import { until } from '../helpers/until.ts';

const CLUSTERS = [
  { name: 'stg-1', server: 'https://stg-1.example:6443', labels: { environment: 'staging' } },
  { name: 'prod-canary', server: 'https://prod-canary.example:6443', labels: { environment: 'prod', wave: 'canary' } },
  { name: 'prod-1', server: 'https://prod-1.example:6443', labels: { environment: 'prod' } },
];

/** Per cluster, the tag a replica serves (undefined while it answers no parameter sets). */
async function tags(url: string): Promise<Record<string, string> | undefined> {
  const res = await request(`${url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"applicationSetName":"web","input":{}}' }).catch(() => undefined);
  if (res?.statusCode !== 200) return void (await res?.body.dump());
  const body = (await res.body.json()) as { output: { parameters: { name: string; images: { web: { tag: string } } }[] } };
  return Object.fromEntries(body.output.parameters.map((p) => [p.name, p.images.web.tag]).sort(([a], [b]) => a!.localeCompare(b!)));
}

interface Status {
  readonly state: string;
  readonly wave?: number;
  readonly since: string;
  readonly reason?: string;
}

async function prodStatus(url: string): Promise<Status | undefined> {
  const res = await request(`${url}/api/v1/images`, { headers: { authorization: `Bearer ${TOKEN}` } }).catch(() => undefined);
  if (res?.statusCode !== 200) return void (await res?.body.dump());
  return ((await res.body.json()) as { promotion: (Status & { environment: string })[] }).promotion.find((p) => p.environment === 'prod');
}

const matches = (want: Record<string, string>) => async (url: string) => {
  const got = await tags(url);
  return got && CLUSTERS.every((c) => got[c.name] === want[c.name]) ? got : undefined;
};

test('a rollout under way is shared: a new follower serves the open wave, and a new leader neither moves a wave early nor goes back', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const image = `${reg.host}/acme/web`;
  const config = {
    polling: { intervalSeconds: 1, jitter: 0 },
    clusters: { static: CLUSTERS },
    environments: {
      staging: {},
      // The second wave's pause is long: in this test it must never open.
      prod: { promotion: { from: 'staging', soak: '1s' }, rollout: { waves: [{ selector: { matchLabels: { wave: 'canary' } } }, { percent: 100 }], pause: '1h' } },
    },
  };
  const cluster = await startCluster(t, reg, ['r1'], { config, spare: ['r2'] });
  const apps = new ApplicationWriter(cluster.api.url, cluster.api.token);
  const run = (name: string, tag: string, health = 'Healthy'): Promise<void> => apps.put('argocd', `web-${name}`, { server: CLUSTERS.find((c) => c.name === name)!.server, images: [`${image}:${tag}`], health });
  for (const c of CLUSTERS) await run(c.name, '1.0.0');
  const [r1] = cluster.replicas;
  await until(() => matches({ 'stg-1': '1.0.0', 'prod-canary': '1.0.0', 'prod-1': '1.0.0' })(r1!.url), { what: 'every cluster on 1.0.0' });

  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-02-01T00:00:00Z', label: 'b' });
  await until(() => matches({ 'stg-1': '1.1.0', 'prod-canary': '1.0.0', 'prod-1': '1.0.0' })(r1!.url), { what: 'staging on 1.1.0' });
  await run('stg-1', '1.1.0');
  const midway = { 'stg-1': '1.1.0', 'prod-canary': '1.1.0', 'prod-1': '1.0.0' };
  await until(() => matches(midway)(r1!.url), { what: 'the canary wave on 1.1.0' });
  const opened = await until(async () => ((await prodStatus(r1!.url))?.wave === 1 ? prodStatus(r1!.url) : undefined), { what: 'the leader reports wave 1' });

  // A replica with no warm-start file joins in the middle of the rollout: it serves the shared wave.
  const r2 = await cluster.start('r2');
  await until(() => matches(midway)(r2.url), { what: 'the new follower serves the open wave' });
  const before = (await ask(r2.url)).revision!;

  r1!.child.kill('SIGKILL');
  await until(() => (cluster.leader() === 'r2' ? true : undefined), { what: 'r2 leads' });
  // The new leader scans at once and publishes the next revision, with what its engine made of the rollout.
  await until(async () => ((await ask(r2.url)).revision! > before ? true : undefined), { what: 'r2 publishes a revision of its own' });
  assert.deepEqual({ ...(await tags(r2.url)) }, { 'prod-1': '1.0.0', 'prod-canary': '1.1.0', 'stg-1': '1.1.0' }, 'the canary keeps 1.1.0 and the second wave keeps 1.0.0');
  const status = await prodStatus(r2.url);
  assert.equal(status?.wave, 1, 'still the first wave');
  assert.equal(status.since, opened!.since, 'the wave opened when the old leader opened it');

  // The second wave opens at its gate (here an approval), not before.
  const approved = await request(`${r2.url}/api/v1/operations/approve`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` }, body: JSON.stringify({ watch: 'web', environment: 'prod', tag: '1.1.0', wave: 2, reason: 'canary looks good' }) });
  assert.equal(approved.statusCode, 201, await approved.body.text());
  await until(() => matches({ 'stg-1': '1.1.0', 'prod-canary': '1.1.0', 'prod-1': '1.1.0' })(r2.url), { what: 'the second wave on 1.1.0' });
});
