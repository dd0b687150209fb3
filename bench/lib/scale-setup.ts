// The world of bench/promotion-scale.ts: N clusters (10 % staging, the rest prod in two waves: 10 %
// canary, 90 %), W watches over the synthetic registry (synth/r<i>, tags 1.0.0-1.4.0), one Argo CD
// Application per cluster listing all W images (staging runs 1.4.0, prod 1.3.0), written to the
// loopback Kubernetes API peer; and the two configs: the same service with and without
// `environments` (prod following staging, soak 0s, pause 1h, so a new tag stops after prod's first wave).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ApplicationWriter } from '../../test/helpers/kube-api-applications.ts';

export interface ScaleShape {
  readonly clusters: number;
  readonly watches: number;
}

export const TOKEN = 'bench-scale-token-81d0';

export function clusterList(shape: ScaleShape): Array<{ name: string; server: string; labels: Record<string, string> }> {
  return Array.from({ length: shape.clusters }, (_, i) => {
    const name = `c${String(i).padStart(4, '0')}`;
    return { name, server: `https://${name}.example:6443`, labels: { environment: i < shape.clusters / 10 ? 'staging' : 'prod', region: `r${i % 4}` } };
  });
}

export function watchList(shape: ScaleShape, host: string, range: string): Array<{ name: string; image: string; policy: unknown }> {
  return Array.from({ length: shape.watches }, (_, i) => ({ name: `w${i}`, image: `${host}/synth/r${i}`, policy: { semver: { range } } }));
}

/** Writes the config; `range` `<1.4.0` resolves 1.3.0, `^1` resolves 1.4.0. */
export async function writeConfig(dir: string, name: string, shape: ScaleShape, host: string, range: string, promotion: boolean): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, stringify({
    server: { tokenFile: join(dir, 'token'), refreshApplicationSets: false },
    polling: { intervalSeconds: 30, jitter: 0 },
    cache: { path: join(dir, `${name}-cache.json`) },
    registries: [{ host, url: `http://${host}`, insecure: true }],
    watches: watchList(shape, host, range),
    clusters: { static: clusterList(shape) },
    ...(promotion && {
      environments: {
        staging: {},
        prod: { promotion: { from: 'staging', soak: '0s' }, rollout: { waves: [{ percent: 10 }, { percent: 90 }], pause: '1h' } },
      },
    }),
  }));
  return file;
}

/** One Application per cluster with every watch's image: staging runs 1.4.0, prod 1.3.0. */
export async function writeApplications(peerUrl: string, token: string, shape: ScaleShape, host: string): Promise<void> {
  const writer = new ApplicationWriter(peerUrl, token);
  for (const c of clusterList(shape)) {
    const tag = c.labels.environment === 'staging' ? '1.4.0' : '1.3.0';
    await writer.put('argocd', `apps-${c.name}`, { server: c.server, images: Array.from({ length: shape.watches }, (_, i) => `${host}/synth/r${i}:${tag}`) });
  }
}
