// The promotion engine's states reach /metrics: a move blocked at the promotion gate counts as
// blocked, a rollout waiting in its pause counts as pending, each with its promotion_state series.
// The running service, a real registry, Applications on the loopback Kubernetes API peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startKubeApi } from '../helpers/kube-api.ts';
import { ApplicationWriter } from '../helpers/kube-api-applications.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { objectClientFor } from '../helpers/pull-secret.ts';
import { serviceFolder } from '../helpers/service-folder.ts';
import { until } from '../helpers/until.ts';

const CLUSTERS = [
  { name: 'stg-1', server: 'https://stg-1.example:6443', labels: { environment: 'staging' } },
  { name: 'prod-canary', server: 'https://prod-canary.example:6443', labels: { environment: 'prod', wave: 'canary' } },
  { name: 'prod-1', server: 'https://prod-1.example:6443', labels: { environment: 'prod' } },
];

async function metricsUntil(url: string, what: string, pattern: RegExp): Promise<string> {
  let text = '';
  await until(async () => {
    text = await (await request(`${url}/metrics`)).body.text();
    return pattern.test(text);
  }, { what: () => `${what}: ${text.split('\n').filter((l) => l.includes('promotion_')).join('\n')}` });
  return text;
}

test('/metrics counts a blocked move and a pending one, with the per environment state', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const api = await startKubeApi(t, { bookmarkMs: 200 });
  const kube = objectClientFor(api.url, api.token);
  t.after(() => kube.close());
  const apps = new ApplicationWriter(api.url, api.token);
  const image = `${reg.host}/acme/web`;
  const run = (cluster: string, tag: string): Promise<void> => apps.put('argocd', `web-${cluster}`, { server: CLUSTERS.find((c) => c.name === cluster)!.server, images: [`${image}:${tag}`] });
  for (const c of CLUSTERS) await run(c.name, '1.0.0');
  const folder = await serviceFolder(t, { prefix: 'aip-promotion-metrics-', token: 'promotion-metrics-token-1c9e', objects: kube.objects });
  await folder.writeConfig({
    polling: { intervalSeconds: 1, jitter: 0 },
    registries: [{ host: reg.host, url: reg.url, insecure: true }],
    watches: [{ name: 'web', image, policy: { semver: { range: '^1.0.0' } } }],
    clusters: { static: CLUSTERS },
    environments: {
      staging: {},
      prod: { promotion: { from: 'staging', soak: '1s' }, rollout: { waves: [{ selector: { matchLabels: { wave: 'canary' } } }, { percent: 100 }], pause: '1h' } },
    },
  });
  const url = await folder.start();
  await metricsUntil(url, 'nothing waits on 1.0.0', /promotion_moves\{state="pending"\} 0\n[\s\S]*promotion_moves\{state="blocked"\} 0/);

  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-02-01T00:00:00Z', label: 'b' });
  // staging serves 1.1.0 but its Application still runs 1.0.0: prod is blocked at the gate.
  const blocked = await metricsUntil(url, 'one blocked move', /promotion_moves\{state="blocked"\} 1/);
  assert.match(blocked, /promotion_moves\{state="pending"\} 0/);
  assert.match(blocked, /promotion_state\{watch="web",environment="prod",state="blocked"\} 1/);

  await run('stg-1', '1.1.0');
  // The canary wave opens and the second wave waits out its pause: one pending move, none blocked.
  const pending = await metricsUntil(url, 'one pending move', /promotion_moves\{state="pending"\} 1/);
  assert.match(pending, /promotion_moves\{state="blocked"\} 0/);
  assert.match(pending, /promotion_state\{watch="web",environment="prod",state="(rolling|waiting)"\} 1/);
  assert.doesNotMatch(pending, /state="blocked"\} 1/);
});
