// The service of bench/ui.ts as its own process: the built CLI's `serve`, started from a config file
// and a warm-start snapshot (cache.path) written here. The snapshot holds every watch's resolutions
// (three a watch and environment, a day apart), the promotion state of ui-promotion.ts (prod rolling
// out in two waves for every other watch), and a last scan "now" for every repository, so with a
// polling interval of a day the poller sends nothing while the bench runs and the state the pages
// poll does not move. The registry host points at a closed port: nothing leaves the machine.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createResolutionCache } from '../../src/cache/store.ts';
import { parseConfig } from '../../src/config/parse.ts';
import type { Config } from '../../src/config/types.ts';
import { SNAPSHOT_VERSION } from '../../src/cache/snapshot.ts';
import { startService, waitReady, type ServiceProcess } from './service.ts';
import { clusterLabels, ENVIRONMENTS, staticPromotion } from './ui-promotion.ts';

export const TOKEN = 'bench-generator-token-01';
export const VIEWER = 'bench-viewer-token-02';

function rawConfig(dir: string, watchCount: number, clusterCount: number): Record<string, unknown> {
  const watches = Array.from({ length: watchCount }, (_, i) => ({ name: `svc${String(i).padStart(3, '0')}`, image: `registry.bench:5000/acme/svc${i}`, policy: { semver: { range: '>=1.0.0' } }, environments: { staging: { policy: { semver: { range: '>=1.0.0-0' } } } } }));
  const clusters = Array.from({ length: clusterCount }, (_, i) => ({ name: `cluster-${String(i).padStart(3, '0')}`, server: `https://10.0.0.${i}:6443`, labels: clusterLabels(i), annotations: i % 4 === 0 ? { 'argocd-image-plugins/platforms': 'linux/arm64' } : {} }));
  return {
    server: { tokenFile: join(dir, 'token'), viewerTokenFile: join(dir, 'viewer'), refreshApplicationSets: false },
    polling: { intervalSeconds: 86_400, jitter: 0, maxBackoffSeconds: 86_400 },
    cache: { path: join(dir, 'cache.json') },
    registries: [{ host: 'registry.bench:5000', url: 'http://127.0.0.1:1', insecure: true }],
    watches,
    clusters: { platformsAnnotation: 'argocd-image-plugins/platforms', static: clusters },
    environments: ENVIRONMENTS,
  };
}

function snapshot(cfg: Config, now: number): Record<string, unknown> {
  const cache = createResolutionCache();
  for (const w of cfg.watches) {
    for (const env of ['default', 'staging']) {
      for (const [n, tag] of [[1, '1.0.0'], [2, '1.1.0'], [3, env === 'staging' ? '1.2.0-rc.1' : '1.2.0']] as const) {
        const digest = `sha256:${String(n).repeat(64)}`;
        const at = new Date(now - (4 - n) * 86_400_000).toISOString();
        cache.record(w.name, env, w.image, { kind: 'resolved', resolution: { tag, digest, ref: `${w.image}:${tag}@${digest}`, platforms: ['linux/amd64', 'linux/arm64'], resolvedAt: at }, summary: { tags: 40, candidates: 12, complete: true }, at: new Date(now).toISOString() });
      }
    }
  }
  const scans = Object.fromEntries(cfg.watches.map((w) => [w.image, new Date(now).toISOString()]));
  const promotion = staticPromotion(cfg, now).state();
  return { version: SNAPSHOT_VERSION, savedAt: new Date(now).toISOString(), entries: cache.latestEntries(), metadata: { images: {}, tags: {} }, scans, operations: [], promotion };
}

/** Writes the config and the snapshot into `dir`; returns the config file. */
export function writeUiWorld(dir: string, watchCount: number, clusterCount: number): string {
  writeFileSync(join(dir, 'token'), TOKEN);
  writeFileSync(join(dir, 'viewer'), VIEWER);
  const raw = rawConfig(dir, watchCount, clusterCount);
  const r = parseConfig(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  writeFileSync(join(dir, 'cache.json'), JSON.stringify(snapshot(r.config, Date.now())));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(raw));
  return file;
}

export interface UiService {
  readonly url: string;
  readonly pid: number;
  readonly process: ServiceProcess;
}

/** `serve` in its own process (optionally wrapped, e.g. by taskset), ready to answer. */
export async function startUiService(cli: string, dir: string, watchCount: number, clusterCount: number, wrap?: readonly string[]): Promise<UiService> {
  const config = writeUiWorld(dir, watchCount, clusterCount);
  const service = await startService({ cli, config, ...(wrap && { wrap }) });
  await waitReady(service.url, 60_000);
  return { url: service.url, pid: service.child.pid!, process: service };
}

/** User plus system CPU time of a process, in ms (/proc/<pid>/stat fields 14 and 15, in clock ticks of 10 ms). */
export function cpuMsOf(pid: number, read: (path: string) => string): number {
  const stat = read(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command's closing parenthesis, field 3 (state) is index 0: utime is 14, stime 15.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
