// The parameter sets: one per selected cluster, with the keys Argo CD's cluster generator emits
// (Argo CD's cluster generator parameters) plus the resolved images. Every leaf is a string, because the
// controller prints numbers as `1e+06` (A.6). Pure: config, cache and clusters in, sets out.
import { createHash } from 'node:crypto';
import type { CacheEntry, CacheReader, Resolution } from '../cache/types.ts';
import { DEFAULT_ENVIRONMENT } from '../cache/types.ts';
import type { Cluster } from '../clusters/types.ts';
import { normalizeClusterName } from '../clusters/normalize.ts';
import { matchesSelector } from '../clusters/selector.ts';
import type { Config, Watch } from '../config/types.ts';
import type { AppError } from '../shared/errors.ts';
import { mayRequest } from './access.ts';
import { generatorError } from './errors.ts';
import type { GeneratorInput } from './input.ts';
import { chooseForPlatforms, parsePlatformList } from './platforms.ts';
import { servedFor, waveIn } from '../promotion/serve.ts';
import type { PromotionState } from '../promotion/types.ts';

export interface ImageParameters {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly ref: string;
}

export interface ParameterSet {
  readonly name: string;
  readonly nameNormalized: string;
  readonly server: string;
  readonly project: string;
  /** `labels` / `annotations` only when non-empty, as the cluster generator does in goTemplate mode. */
  readonly metadata: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly images: Record<string, ImageParameters>;
  /** JSON object `repository → ref`, the CMP's IMAGE_OVERRIDES. */
  readonly imageOverrides: string;
  /** Short hash of `imageOverrides`: changes exactly when a reference changes. */
  readonly imagesRevision: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** The watches a request gets: the ones it names (each must exist and allow it) or all it may use. */
export function selectWatches(config: Config, input: GeneratorInput, applicationSetName: string): Outcome<Watch[]> {
  const byName = new Map(config.watches.map((w) => [w.name, w]));
  if (input.images === undefined) {
    return { ok: true, value: config.watches.filter((w) => mayRequest(w, applicationSetName)).sort(byWatchName) };
  }
  const chosen = new Map<string, Watch>();
  for (const [i, name] of input.images.entries()) {
    const watch = byName.get(name);
    if (!watch && input.unknownImages === 'ignore') continue;
    if (!watch) {
      const known = [...byName.keys()].sort().join(', ') || '(none)';
      return { ok: false, error: generatorError('GEN_UNKNOWN_WATCH', `input.parameters.images[${i}]: no watch named "${name}" in the config; configured watches: ${known}. To answer without images for names that have no watch (a Git directory without an image, say), set input.parameters.unknownImages: ignore`) };
    }
    if (!mayRequest(watch, applicationSetName)) {
      return { ok: false, error: generatorError('GEN_FORBIDDEN', `ApplicationSet "${applicationSetName}" may not request watch "${name}"; its allowedApplicationSets are ${watch.allowedApplicationSets.join(', ')}`, { watch: name }) };
    }
    chosen.set(name, watch);
  }
  return { ok: true, value: [...chosen.values()].sort(byWatchName) };
}

function byWatchName(a: Watch, b: Watch): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

interface ImagesPart {
  readonly images: Record<string, ImageParameters>;
  readonly imageOverrides: string;
  readonly imagesRevision: string;
}

/** Where a cluster stands for promotion: its environment, and its wave there (-1 without waves). */
interface Place {
  readonly environment: string;
  readonly wave: number;
  readonly platforms: readonly string[];
  readonly cluster: string;
}

/**
 * The cache entry as this cluster sees it: under a promotion or rollout, `current` is the reference
 * its environment and wave are served, and only resolutions older than it are platform fall-backs
 * (a fall-back never runs ahead of a gate).
 */
function entryFor(cache: CacheReader, watch: Watch, place: Place, promotion: PromotionView | undefined): CacheEntry | undefined {
  const env = Object.hasOwn(watch.environments, place.environment) ? place.environment : DEFAULT_ENVIRONMENT;
  const entry = cache.get(watch.name, env);
  const served = promotion && servedFor(promotion.state, watch.name, place.environment, place.wave);
  if (!entry || !served || served.ref === entry.current?.ref) return entry;
  const at = entry.history.findIndex((r) => r.ref === served.ref);
  return { ...entry, current: served, history: at < 0 ? [] : entry.history.slice(at + 1) };
}

function resolveFor(cache: CacheReader, watch: Watch, place: Place, promotion: PromotionView | undefined): Outcome<Resolution> {
  const env = Object.hasOwn(watch.environments, place.environment) ? place.environment : DEFAULT_ENVIRONMENT;
  const { platforms, cluster } = place;
  const entry = entryFor(cache, watch, place, promotion);
  if (!entry?.current) {
    const why = entry?.lastError ? `; last error: ${entry.lastError.message}` : entry ? '' : '; it has not been scanned yet';
    return { ok: false, error: generatorError('GEN_NOT_RESOLVED', `watch "${watch.name}" (environment ${env}, image ${watch.image}) has never resolved${why}`, { watch: watch.name, environment: env }) };
  }
  const choice = chooseForPlatforms({ ...entry, current: entry.current }, platforms);
  if (!choice.ok) {
    return { ok: false, error: generatorError('GEN_PLATFORM_UNAVAILABLE', `cluster "${cluster}" runs ${choice.missing.join(', ')}, which no resolution of watch "${watch.name}" (environment ${env}) provides; current ${entry.current.ref} has ${entry.current.platforms.join(', ') || 'none'}`, { watch: watch.name, environment: env }) };
  }
  return { ok: true, value: choice.resolution };
}

function imagesFor(cache: CacheReader, watches: readonly Watch[], place: Place, promotion: PromotionView | undefined): Outcome<ImagesPart> {
  const images: Record<string, ImageParameters> = {};
  const overrides = new Map<string, { ref: string; watch: string }>();
  const { cluster } = place;
  for (const watch of watches) {
    const r = resolveFor(cache, watch, place, promotion);
    if (!r.ok) return r;
    images[watch.name] = { repository: watch.image, tag: r.value.tag, digest: r.value.digest, ref: r.value.ref };
    const prior = overrides.get(watch.image);
    if (prior && prior.ref !== r.value.ref) {
      return { ok: false, error: generatorError('GEN_IMAGE_CONFLICT', `watches "${prior.watch}" and "${watch.name}" both rewrite ${watch.image} but resolve to ${prior.ref} and ${r.value.ref} for cluster "${cluster}"; request one of them with input.parameters.images`) };
    }
    overrides.set(watch.image, { ref: r.value.ref, watch: watch.name });
  }
  const sorted = Object.fromEntries([...overrides.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.ref]));
  const imageOverrides = JSON.stringify(sorted);
  const imagesRevision = createHash('sha256').update(imageOverrides).digest('hex').slice(0, 16);
  return { ok: true, value: { images, imageOverrides, imagesRevision } };
}

function nonEmpty(map: Readonly<Record<string, string>>): Record<string, string> | undefined {
  return Object.keys(map).length > 0 ? { ...map } : undefined;
}

/** The promotion state the answer follows (absent: every cluster gets its environment's resolution). */
export interface PromotionView {
  readonly state: PromotionState;
}

export interface BuildRequest {
  readonly config: Config;
  readonly cache: CacheReader;
  readonly promotion?: PromotionView;
  readonly clusters: readonly Cluster[];
  readonly watches: readonly Watch[];
  readonly input: GeneratorInput;
}

export function buildParameterSets(req: BuildRequest): Outcome<ParameterSet[]> {
  const { environmentLabel, platformsAnnotation } = req.config.clusters;
  const selected = req.clusters.filter((c) => matchesSelector(c.labels, req.input.clusterSelector));
  if (selected.length === 0 && !req.input.allowEmpty) {
    return { ok: false, error: generatorError('GEN_EMPTY', `no cluster matches input.parameters.clusterSelector (${req.clusters.length} clusters known); an empty answer would make Argo CD delete every Application of this ApplicationSet, so none is sent. Set input.parameters.allowEmpty: true if an empty result is intended`) };
  }
  // Clusters in the same environment, wave and platforms share one images part.
  const parts = new Map<string, Outcome<ImagesPart>>();
  const sets: ParameterSet[] = [];
  for (const cluster of selected) {
    const environment = cluster.labels[environmentLabel] ?? DEFAULT_ENVIRONMENT;
    const platforms = parsePlatformList(cluster.annotations[platformsAnnotation]).sort();
    const wave = req.promotion ? waveIn(req.config.environments, environment, cluster) : -1;
    const key = `${environment}\u0000${wave}\u0000${platforms.join(',')}`;
    let part = parts.get(key);
    if (!part) parts.set(key, (part = imagesFor(req.cache, req.watches, { environment, wave, platforms, cluster: cluster.name }, req.promotion)));
    if (!part.ok) return part;
    const labels = nonEmpty(cluster.labels);
    const annotations = nonEmpty(cluster.annotations);
    sets.push({
      name: cluster.name,
      nameNormalized: normalizeClusterName(cluster.name),
      server: cluster.server,
      project: cluster.project,
      metadata: { ...(labels && { labels }), ...(annotations && { annotations }) },
      ...part.value,
    });
  }
  return { ok: true, value: sets };
}
