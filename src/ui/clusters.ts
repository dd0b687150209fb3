// What each cluster is served for one watch: the same choice getparams makes (environment label,
// platforms annotation, platform fall-back, and under promotion the reference of the cluster's
// environment and wave), without building whole parameter sets.
import type { CacheEntry, CacheReader } from '../cache/types.ts';
import { DEFAULT_ENVIRONMENT } from '../cache/types.ts';
import type { Cluster } from '../clusters/types.ts';
import type { Config, Watch } from '../config/types.ts';
import { chooseForPlatforms, parsePlatformList } from '../generator/platforms.ts';
import { servedFor, waveIn } from '../promotion/serve.ts';
import { policyOf, statusOf, type PromotionContext } from './promotion.ts';
import type { ClusterServed } from './types.ts';

/** As getparams (generator/params.ts): the served reference of the wave is `current`; only older resolutions are fall-backs. */
function entryUnder(entry: CacheEntry | undefined, ctx: PromotionContext | undefined, watch: string, environment: string, wave: number): CacheEntry | undefined {
  const served = ctx && entry && servedFor(ctx.state, watch, environment, wave);
  if (!entry || !served || served.ref === entry.current?.ref) return entry;
  const at = entry.history.findIndex((r) => r.ref === served.ref);
  return { ...entry, current: served, history: at < 0 ? [] : entry.history.slice(at + 1) };
}

/** What waits to reach this cluster: the environment's pending reference, unless its wave runs it. */
function waitingFor(ctx: PromotionContext | undefined, watch: string, environment: string, wave: number, ref: string | null): string | null {
  const status = ctx && statusOf(ctx, watch, environment);
  if (!status?.pending || status.pending === ref) return null;
  const tag = status.pendingTag ?? status.pending;
  const why = status.reason ?? status.state;
  if (wave >= 0 && status.wave !== undefined && wave >= status.wave) return `${tag} waits for wave ${wave + 1}: ${why}`;
  return `${tag} waits: ${why}`;
}

export function servedTo(config: Config, cache: CacheReader, watch: Watch, cluster: Cluster, ctx?: PromotionContext): ClusterServed {
  const labelled = cluster.labels[config.clusters.environmentLabel] ?? DEFAULT_ENVIRONMENT;
  const resolvedAs = Object.hasOwn(watch.environments, labelled) ? labelled : DEFAULT_ENVIRONMENT;
  const promoted = policyOf(ctx, labelled) !== undefined;
  const environment = promoted ? labelled : resolvedAs;
  const wave = ctx ? waveIn(ctx.policies, labelled, cluster) : -1;
  const platforms = parsePlatformList(cluster.annotations[config.clusters.platformsAnnotation]).sort();
  const base = { name: cluster.name, server: cluster.server, environment, platforms, wave: wave >= 0 ? wave + 1 : null };
  const entry = entryUnder(cache.get(watch.name, resolvedAs), promoted ? ctx : undefined, watch.name, labelled, wave);
  if (!entry?.current) return { ...base, ref: null, problem: entry?.lastError ? `never resolved: ${entry.lastError.message}` : 'never resolved yet', waiting: null };
  const choice = chooseForPlatforms({ ...entry, current: entry.current }, platforms);
  if (!choice.ok) return { ...base, ref: null, problem: `no resolution provides ${choice.missing.join(', ')}`, waiting: null };
  const waiting = promoted ? waitingFor(ctx, watch.name, labelled, wave, choice.resolution.ref) : null;
  return { ...base, ref: choice.resolution.ref, problem: choice.fallback ? `older ${choice.resolution.tag}: ${entry.current.tag} lacks a platform this cluster runs` : null, waiting };
}

export function servedToAll(config: Config, cache: CacheReader, watch: Watch, clusters: readonly Cluster[], ctx?: PromotionContext): ClusterServed[] {
  return clusters.map((c) => servedTo(config, cache, watch, c, ctx));
}

/** The cluster an Application targets: by name, else by server URL (Argo CD's destination rules). */
export function findCluster(clusters: readonly Cluster[], name: string, server: string): Cluster | undefined {
  if (name) return clusters.find((c) => c.name === name);
  if (server) return clusters.find((c) => c.server === server);
  return undefined;
}
