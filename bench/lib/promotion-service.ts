// A real `serve` process with progressive delivery, for bench/promotion-gate.ts: a real registry
// (one watch, acme/web), the loopback Kubernetes API peer serving Argo CD Applications and one
// ApplicationSet that uses the watch (the service's own token, `sa-service`, is told apart from the
// writes of the simulated Argo CD controller), staging (2 clusters) and prod (2 canary clusters,
// then 4 more) following staging with a short soak and pause, and the refresh of ApplicationSets on.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { REFRESH_ANNOTATION } from '../../src/kube/refresh/refresher.ts';
import { pushImage } from '../../test/helpers/images.ts';
import { startKubeApi, type KubeApiPeer } from '../../test/helpers/kube-api.ts';
import { ApplicationWriter } from '../../test/helpers/kube-api-applications.ts';
import { startRegistry, type TestRegistry } from '../../test/helpers/registry.ts';
import { getParams, paramSets, snapshotCli, startService, type ServiceProcess } from './service.ts';

export const SERVICE_TOKEN = 'sa-service';
export const CONTROLLER_TOKEN = 'argocd-controller';
const TOKEN = 'bench-promotion-token-4c1e';
const CLUSTERS = [
  ...['stg-1', 'stg-2'].map((name) => ({ name, labels: { environment: 'staging' } })),
  ...['prod-c1', 'prod-c2'].map((name) => ({ name, labels: { environment: 'prod', wave: 'canary' } })),
  ...['prod-1', 'prod-2', 'prod-3', 'prod-4'].map((name) => ({ name, labels: { environment: 'prod' } })),
].map((c) => ({ ...c, server: `https://${c.name}.example:6443` }));
export const STAGING = ['stg-1', 'stg-2'];
export const CANARY = ['prod-c1', 'prod-c2'];
export const REST = ['prod-1', 'prod-2', 'prod-3', 'prod-4'];

export interface PromotionBench {
  readonly peer: KubeApiPeer;
  readonly service: ServiceProcess;
  /** Pushes acme/web:1.<n>.0 to the registry. */
  push(n: number): Promise<void>;
  /** The tag getparams answers for each cluster. */
  tags(): Promise<Record<string, string>>;
  /** Writes the clusters' Applications as Argo CD would: running `tag`, Synced and Healthy. */
  run(clusters: readonly string[], tag: string): Promise<void>;
  /** Whether the ApplicationSet carries the refresh annotation. */
  refreshed(): boolean;
  /** Removes the refresh annotation, as the ApplicationSet controller does once it reconciled. */
  clearRefresh(): void;
  close(): Promise<void>;
}

function configFor(dir: string, reg: TestRegistry, soak: string): string {
  return stringify({
    server: { tokenFile: join(dir, 'token'), refreshApplicationSets: true },
    polling: { intervalSeconds: 1, jitter: 0 },
    cache: { path: join(dir, 'cache.json') },
    registries: [{ host: reg.host, url: reg.url, insecure: true }],
    watches: [{ name: 'web', image: `${reg.host}/acme/web`, policy: { semver: { range: '^1.0.0' } } }],
    clusters: { static: CLUSTERS },
    environments: {
      staging: {},
      prod: { promotion: { from: 'staging', soak }, rollout: { waves: [{ selector: { matchLabels: { wave: 'canary' } } }, { percent: 100 }], pause: soak } },
    },
  });
}

function kubeconfig(url: string): string {
  return stringify({ 'current-context': 'peer', contexts: [{ name: 'peer', context: { cluster: 'peer', user: 'u' } }], clusters: [{ name: 'peer', cluster: { server: url } }], users: [{ name: 'u', user: { token: SERVICE_TOKEN } }] });
}

const APPSET = { metadata: { name: 'web' }, spec: { generators: [{ plugin: { configMapRef: { name: 'argocd-image-plugins' }, input: { parameters: { images: ['web'] } } } }] } };

/** Starts everything with every cluster running 1.0.0; `soak` (a duration, e.g. "1s") is prod's soak and pause. */
export async function startPromotionBench(soak: string): Promise<PromotionBench> {
  const cleanups: Array<() => unknown> = [];
  try {
    return await start(soak, cleanups);
  } catch (err) {
    for (const fn of cleanups.reverse()) await fn();
    throw err;
  }
}

async function start(soak: string, cleanups: Array<() => unknown>): Promise<PromotionBench> {
  const t = { after: (fn: () => unknown) => void cleanups.push(fn) } as unknown as TestContext;
  const reg = await startRegistry();
  cleanups.push(() => reg.stop());
  const push = async (n: number): Promise<void> => void (await pushImage(reg, 'acme/web', `1.${n}.0`, { created: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), label: `v${n}` }));
  await push(0);
  const all = { verbs: ['*'], resources: ['*'] };
  const peer = await startKubeApi(t, { tokens: { [SERVICE_TOKEN]: [all], [CONTROLLER_TOKEN]: [all] } });
  peer.put('applicationsets', 'argocd', APPSET);
  const writer = new ApplicationWriter(peer.url, CONTROLLER_TOKEN);
  const run = async (clusters: readonly string[], tag: string): Promise<void> => {
    for (const name of clusters) await writer.put('argocd', `web-${name}`, { server: CLUSTERS.find((c) => c.name === name)!.server, images: [`${reg.host}/acme/web:${tag}`] });
  };
  await run(CLUSTERS.map((c) => c.name), '1.0.0');
  const dir = await mkdtemp(join(tmpdir(), 'aip-bench-promotion-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  await writeFile(join(dir, 'kubeconfig'), kubeconfig(peer.url));
  await writeFile(join(dir, 'config.yaml'), configFor(dir, reg, soak));
  const cli = await snapshotCli();
  cleanups.push(() => cli.remove());
  const service = await startService({ cli: cli.cli, config: join(dir, 'config.yaml'), env: { KUBECONFIG: join(dir, 'kubeconfig'), LOG_LEVEL: 'info' } });
  cleanups.push(() => service.stop());
  const tags = async (): Promise<Record<string, string>> => {
    const reply = await getParams(service.url, TOKEN, { applicationSetName: 'web', input: { parameters: {} } });
    return reply.status === 200 ? Object.fromEntries(paramSets(reply).map((p) => [p.name, p.images.web!.tag])) : {};
  };
  return {
    peer,
    service,
    push,
    tags,
    run,
    refreshed: () => peer.get('applicationsets', 'argocd', 'web')?.metadata.annotations?.[REFRESH_ANNOTATION] === 'true',
    clearRefresh: () => peer.put('applicationsets', 'argocd', APPSET),
    async close() {
      for (const fn of cleanups.reverse()) await fn();
    },
  };
}
