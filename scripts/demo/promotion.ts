// Demo step: progressive delivery. A second service (in this process) with three clusters, staging,
// prod-canary and prod-1, prod following staging with a 2 s soak and rolling out in two waves with
// a 2 s pause (production values are minutes or hours). Argo CD's Applications live on the loopback
// Kubernetes API peer; the demo plays Argo CD's controller, flipping their status: staging moves at
// once, prod waits, the gate opens when staging's Application turns Healthy, prod moves wave by wave.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { request } from 'undici';
import { stringify } from 'yaml';
import { startService } from '../../src/service/start.ts';
import { silentLogger } from '../../test/generator/fixture.ts';
import { pushImage } from '../../test/helpers/images.ts';
import { startKubeApi } from '../../test/helpers/kube-api.ts';
import { ApplicationWriter } from '../../test/helpers/kube-api-applications.ts';
import { objectClientFor } from '../../test/helpers/pull-secret.ts';
import type { TestRegistry } from '../../test/helpers/registry.ts';
import { block, line } from './output.ts';

const TOKEN = 'demo-promotion-token';
const STEP_DEADLINE_MS = 60_000;
const CLUSTERS = [
  { name: 'staging', server: 'https://staging.example:6443', labels: { environment: 'staging' } },
  { name: 'prod-canary', server: 'https://prod-canary.example:6443', labels: { environment: 'prod', wave: 'canary' } },
  { name: 'prod-1', server: 'https://prod-1.example:6443', labels: { environment: 'prod' } },
];

type Status = { environment: string; state: string; reason?: string };

async function ask(url: string): Promise<{ tags: Record<string, string>; prod?: Status }> {
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const res = await request(`${url}/api/v1/getparams.execute`, { method: 'POST', headers, body: '{"applicationSetName":"shop","input":{}}' });
  const body = (await res.body.json()) as { output?: { parameters: { name: string; images: { shop: { tag: string } } }[] } };
  const images = await request(`${url}/api/v1/images`, { headers });
  const status = ((await images.body.json()) as { promotion?: Status[] }).promotion ?? [];
  return { tags: Object.fromEntries((body.output?.parameters ?? []).map((p) => [p.name, p.images.shop.tag])), prod: status.find((s) => s.environment === 'prod') };
}

async function until(url: string, what: string, check: (tags: Record<string, string>) => boolean): Promise<{ tags: Record<string, string>; prod?: Status }> {
  const end = performance.now() + STEP_DEADLINE_MS;
  for (;;) {
    const seen = await ask(url);
    if (check(seen.tags)) return seen;
    if (performance.now() > end) throw new Error(`promotion demo: ${what} did not happen within ${STEP_DEADLINE_MS / 1000} s (${JSON.stringify(seen)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function show(seen: { tags: Record<string, string>; prod?: Status }): void {
  line(CLUSTERS.map((c) => `${c.name}=${seen.tags[c.name] ?? '-'}`).join('  '));
  if (seen.prod) line(`prod: ${seen.prod.state}${seen.prod.reason ? ` (${seen.prod.reason})` : ''}`);
}

/** Runs the promotion step against `reg`; `onCleanup` receives everything to stop at the end. */
export async function promotionDemo(reg: TestRegistry, onCleanup: (fn: () => Promise<unknown>) => void): Promise<void> {
  const t: Pick<TestContext, 'after'> = { after: (fn: () => unknown) => onCleanup(async () => fn()) };
  await pushImage(reg, 'demo/shop', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'shop-1.0.0' });
  const api = await startKubeApi(t, { bookmarkMs: 500 });
  const kube = objectClientFor(api.url, api.token);
  onCleanup(() => kube.close());
  const apps = new ApplicationWriter(api.url, api.token);
  const image = `${reg.host}/demo/shop`;
  const run = (cluster: string, tag: string, health = 'Healthy'): Promise<void> => apps.put('argocd', `shop-${cluster}`, { server: CLUSTERS.find((c) => c.name === cluster)!.server, images: [`${image}:${tag}`], health });
  for (const c of CLUSTERS) await run(c.name, '1.0.0');
  const dir = await mkdtemp(join(tmpdir(), 'argocd-image-plugins-promotion-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  const environments = { staging: {}, prod: { promotion: { from: 'staging', soak: '2s' }, rollout: { waves: [{ selector: { matchLabels: { wave: 'canary' } } }, { percent: 100 }], pause: '2s' } } };
  block(stringify({ environments }));
  await writeFile(join(dir, 'config.yaml'), stringify({
    server: { tokenFile: join(dir, 'token'), refreshApplicationSets: false },
    polling: { intervalSeconds: 1, jitter: 0 },
    cache: { path: join(dir, 'cache.json') },
    registries: [{ host: reg.host, url: reg.url, insecure: true }],
    watches: [{ name: 'shop', image, policy: { semver: { range: '^1.0.0' } } }],
    clusters: { static: CLUSTERS },
    environments,
  }));
  const service = await startService({ configPath: join(dir, 'config.yaml'), listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger(), connectObjects: () => kube.objects });
  onCleanup(() => service.close());
  show(await until(service.url, 'every cluster on 1.0.0', (v) => Object.values(v).length === 3));

  line(`push demo/shop:1.1.0: staging moves at once, prod waits for staging's Application`);
  await pushImage(reg, 'demo/shop', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'shop-1.1.0' });
  await until(service.url, 'staging on 1.1.0', (v) => v.staging === '1.1.0');
  await run('staging', '1.1.0', 'Progressing');
  await new Promise((r) => setTimeout(r, 500));
  show(await ask(service.url));
  line(`Argo CD reports staging's Application Healthy: the 2 s soak starts, then the canary wave moves`);
  await run('staging', '1.1.0');
  show(await until(service.url, 'the canary wave on 1.1.0', (v) => v['prod-canary'] === '1.1.0'));
  line(`the canary's Application runs 1.1.0 Healthy: after the 2 s pause the next wave moves`);
  await run('prod-canary', '1.1.0');
  show(await until(service.url, 'the second wave on 1.1.0', (v) => v['prod-1'] === '1.1.0'));
}
