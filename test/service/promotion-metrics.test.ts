// The promotion engine's states reach /metrics: a move blocked at the promotion gate counts as
// blocked, a rollout waiting in its pause counts as pending, each with its promotion_state series.
// The running service, a real registry, Applications on the loopback Kubernetes API peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { startService } from '../../src/service/start.ts';
import { capturingLogger } from '../generator/fixture.ts';
import { startKubeApi } from '../helpers/kube-api.ts';
import { ApplicationWriter } from '../helpers/kube-api-applications.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { objectClientFor } from '../helpers/pull-secret.ts';

const CLUSTERS = [
  { name: 'stg-1', server: 'https://stg-1.example:6443', labels: { environment: 'staging' } },
  { name: 'prod-canary', server: 'https://prod-canary.example:6443', labels: { environment: 'prod', wave: 'canary' } },
  { name: 'prod-1', server: 'https://prod-1.example:6443', labels: { environment: 'prod' } },
];

async function metricsUntil(url: string, what: string, pattern: RegExp): Promise<string> {
  const end = Date.now() + 30_000;
  for (;;) {
    const text = await (await request(`${url}/metrics`)).body.text();
    if (pattern.test(text)) return text;
    assert.ok(Date.now() < end, `timed out waiting for ${what}: ${text.split('\n').filter((l) => l.includes('promotion_')).join('\n')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
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
  const dir = await mkdtemp(join(tmpdir(), 'aip-promotion-metrics-'));
  const running: { service?: Awaited<ReturnType<typeof startService>> } = {};
  t.after(async () => {
    await running.service?.close();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), 'promotion-metrics-token-1c9e\n');
  await writeFile(join(dir, 'config.yaml'), stringify({
    server: { tokenFile: join(dir, 'token'), refreshApplicationSets: false },
    polling: { intervalSeconds: 1, jitter: 0 },
    cache: { path: join(dir, 'cache.json') },
    registries: [{ host: reg.host, url: reg.url, insecure: true }],
    watches: [{ name: 'web', image, policy: { semver: { range: '^1.0.0' } } }],
    clusters: { static: CLUSTERS },
    environments: {
      staging: {},
      prod: { promotion: { from: 'staging', soak: '1s' }, rollout: { waves: [{ selector: { matchLabels: { wave: 'canary' } } }, { percent: 100 }], pause: '1h' } },
    },
  }));
  running.service = await startService({ configPath: join(dir, 'config.yaml'), listen: { host: '127.0.0.1', port: 0 }, logger: capturingLogger([]), connectObjects: () => kube.objects });
  const { url } = running.service;
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
