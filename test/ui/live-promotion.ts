// A running service with progressive delivery, for the status page's browser test: the real
// registry on loopback, Argo CD Applications on the loopback Kubernetes API peer (list + watch,
// kube-api-applications.ts), staging taking every new tag at once and prod following staging
// (soak 1 s) in two waves (the canary cluster, then the rest), plus an operator token for the
// operations log and the Argo CD proxy secret for the extension. The page itself only ever holds the viewer token.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { startService, type ServiceHandle } from '../../src/service/start.ts';
import { silentLogger } from '../generator/fixture.ts';
import { ApplicationWriter } from '../helpers/kube-api-applications.ts';
import { startKubeApi } from '../helpers/kube-api.ts';
import { pushImage } from '../helpers/images.ts';
import { objectClientFor } from '../helpers/pull-secret.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { PROXY_SECRET, VIEWER_TOKEN } from './live.ts';

export const OPERATOR_TOKEN = 'operator-token-ui-31f5';
const GENERATOR = 'generator-token-ui-promo-8d0e';

export const CLUSTERS = [
  { name: 'stg-1', server: 'https://stg-1.example:6443', labels: { environment: 'staging' } },
  { name: 'prod-canary', server: 'https://prod-canary.example:6443', labels: { environment: 'prod', wave: 'canary' } },
  { name: 'prod-1', server: 'https://prod-1.example:6443', labels: { environment: 'prod' } },
  { name: 'prod-2', server: 'https://prod-2.example:6443', labels: { environment: 'prod' } },
];

export interface PromotionLive {
  readonly url: string;
  readonly reg: TestRegistry;
  push(tag: string, day: number): Promise<void>;
  /** Writes the Application of `cluster` as Argo CD's controller would: running `tag`, with that health. */
  run(cluster: string, tag: string, health?: string): Promise<void>;
  /** Calls the operations API with the operator token (as the CLI would). */
  operate(kind: 'hold' | 'release' | 'approve' | 'promote', body: Record<string, unknown>): Promise<number>;
}

export async function startPromotionLive(t: TestContext): Promise<PromotionLive> {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  const image = `${reg.host}/acme/web`;
  const push = async (tag: string, day: number): Promise<void> => void (await pushImage(reg, 'acme/web', tag, { created: `2026-03-${String(day).padStart(2, '0')}T10:00:00Z`, label: tag }));
  await push('1.0.0', 1);
  const api = await startKubeApi(t, { bookmarkMs: 200 });
  const kube = objectClientFor(api.url, api.token);
  t.after(() => kube.close());
  const apps = new ApplicationWriter(api.url, api.token);
  const run = (cluster: string, tag: string, health = 'Healthy'): Promise<void> => apps.put('argocd', `web-${cluster}`, { server: CLUSTERS.find((c) => c.name === cluster)!.server, images: [`${image}:${tag}`], health });
  for (const c of CLUSTERS) await run(c.name, '1.0.0');
  const dir = await mkdtemp(join(tmpdir(), 'aip-ui-promo-'));
  const started: { service?: ServiceHandle } = {};
  t.after(async () => {
    await started.service?.close();
    await rm(dir, { recursive: true, force: true });
  });
  for (const [file, value] of [['token', GENERATOR], ['viewer', VIEWER_TOKEN], ['proxy', PROXY_SECRET], ['alice', OPERATOR_TOKEN]] as const) await writeFile(join(dir, file), value);
  await writeFile(join(dir, 'config.yaml'), stringify({
    server: { tokenFile: join(dir, 'token'), viewerTokenFile: join(dir, 'viewer'), proxySecretFile: join(dir, 'proxy'), operatorTokens: [{ name: 'alice', tokenFile: join(dir, 'alice') }], refreshApplicationSets: false },
    polling: { intervalSeconds: 1, jitter: 0 },
    cache: { path: join(dir, 'cache.json') },
    registries: [{ host: reg.host, url: reg.url, insecure: true }],
    watches: [{ name: 'web', image, policy: { semver: { range: '^1.0.0' } }, environments: { staging: {}, prod: {} } }],
    clusters: { static: CLUSTERS },
    environments: {
      staging: {},
      prod: { promotion: { from: 'staging', soak: '1s' }, rollout: { waves: [{ selector: { matchLabels: { wave: 'canary' } } }, { percent: 100 }], pause: '1s' } },
    },
  }));
  const service = await startService({ configPath: join(dir, 'config.yaml'), listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger(), connectObjects: () => kube.objects });
  started.service = service;
  const operate = async (kind: string, body: Record<string, unknown>): Promise<number> => {
    const res = await fetch(`${service.url}/api/v1/operations/${kind}`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    return res.status;
  };
  return { url: service.url, reg, push, run, operate };
}
