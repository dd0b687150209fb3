// What each cluster is served for one watch: the same choice getparams makes (environment label,
// platforms annotation, platform fall-back), without building whole parameter sets.
import type { CacheReader } from '../cache/types.ts';
import { DEFAULT_ENVIRONMENT } from '../cache/types.ts';
import type { Cluster } from '../clusters/types.ts';
import type { Config, Watch } from '../config/types.ts';
import { chooseForPlatforms, parsePlatformList } from '../generator/platforms.ts';
import type { ClusterServed } from './types.ts';

export function servedTo(config: Config, cache: CacheReader, watch: Watch, cluster: Cluster): ClusterServed {
  const environment = cluster.labels[config.clusters.environmentLabel] ?? DEFAULT_ENVIRONMENT;
  const env = Object.hasOwn(watch.environments, environment) ? environment : DEFAULT_ENVIRONMENT;
  const platforms = parsePlatformList(cluster.annotations[config.clusters.platformsAnnotation]).sort();
  const base = { name: cluster.name, server: cluster.server, environment: env, platforms };
  const entry = cache.get(watch.name, env);
  if (!entry?.current) return { ...base, ref: null, problem: entry?.lastError ? `never resolved: ${entry.lastError.message}` : 'never resolved yet' };
  const choice = chooseForPlatforms({ ...entry, current: entry.current }, platforms);
  if (!choice.ok) return { ...base, ref: null, problem: `no resolution provides ${choice.missing.join(', ')}` };
  return { ...base, ref: choice.resolution.ref, problem: choice.fallback ? `older ${choice.resolution.tag}: ${entry.current.tag} lacks a platform this cluster runs` : null };
}

export function servedToAll(config: Config, cache: CacheReader, watch: Watch, clusters: readonly Cluster[]): ClusterServed[] {
  return clusters.map((c) => servedTo(config, cache, watch, c));
}

/** The cluster an Application targets: by name, else by server URL (Argo CD's destination rules). */
export function findCluster(clusters: readonly Cluster[], name: string, server: string): Cluster | undefined {
  if (name) return clusters.find((c) => c.name === name);
  if (server) return clusters.find((c) => c.server === server);
  return undefined;
}
