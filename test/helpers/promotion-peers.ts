// The peers of a promotion test through the running service: a real registry holding acme/web
// 1.0.0, and on the loopback Kubernetes API one Application per cluster (staging, a prod canary,
// prod) running it Synced and Healthy. `run` changes what a cluster's Application runs.
import type { TestContext } from 'node:test';
import { startKubeApi, type KubeApiPeer } from './kube-api.ts';
import { ApplicationWriter } from './kube-api-applications.ts';
import { pushImage } from './images.ts';
import { startRegistry, type TestRegistry } from './registry.ts';
import { objectClientFor } from './pull-secret.ts';

export const PROMOTION_CLUSTERS = [
  { name: 'stg-1', server: 'https://stg-1.example:6443', labels: { environment: 'staging' } },
  { name: 'prod-canary', server: 'https://prod-canary.example:6443', labels: { environment: 'prod', wave: 'canary' } },
  { name: 'prod-1', server: 'https://prod-1.example:6443', labels: { environment: 'prod' } },
];

export interface PromotionPeers {
  readonly reg: TestRegistry;
  /** The loopback Kubernetes API peer itself (to drop or hold its watches). */
  readonly api: KubeApiPeer;
  readonly kube: ReturnType<typeof objectClientFor>;
  /** The watched repository on the registry, `<host>/acme/web`. */
  readonly image: string;
  run(cluster: string, tag: string, health?: string): Promise<void>;
}

export async function startPromotionPeers(t: TestContext): Promise<PromotionPeers> {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const api = await startKubeApi(t, { bookmarkMs: 200 });
  const kube = objectClientFor(api.url, api.token);
  t.after(() => kube.close());
  const apps = new ApplicationWriter(api.url, api.token);
  const image = `${reg.host}/acme/web`;
  const run = (cluster: string, tag: string, health = 'Healthy'): Promise<void> =>
    apps.put('argocd', `web-${cluster}`, { server: PROMOTION_CLUSTERS.find((c) => c.name === cluster)!.server, images: [`${image}:${tag}`], health });
  for (const c of PROMOTION_CLUSTERS) await run(c.name, '1.0.0');
  return { reg, api, kube, image, run };
}

/** A kubeconfig (YAML text) for a `serve` process: the peer's URL and token. */
export function peerKubeconfig(api: Pick<KubeApiPeer, 'url' | 'token'>): string {
  return JSON.stringify({ 'current-context': 'peer', contexts: [{ name: 'peer', context: { cluster: 'peer', user: 'u' } }], clusters: [{ name: 'peer', cluster: { server: api.url } }], users: [{ name: 'u', user: { token: api.token } }] });
}

/** The config of a promotion test: web on ^1.0.0, staging, and prod after staging's 1 s soak in two waves (canary, then the rest). */
export function promotionConfig(peers: Pick<PromotionPeers, 'reg' | 'image'>, pause: string): Record<string, unknown> {
  return {
    polling: { intervalSeconds: 1, jitter: 0 },
    registries: [{ host: peers.reg.host, url: peers.reg.url, insecure: true }],
    watches: [{ name: 'web', image: peers.image, policy: { semver: { range: '^1.0.0' } } }],
    clusters: { static: PROMOTION_CLUSTERS },
    environments: {
      staging: {},
      prod: { promotion: { from: 'staging', soak: '1s' }, rollout: { waves: [{ selector: { matchLabels: { wave: 'canary' } } }, { percent: 100 }], pause } },
    },
  };
}
