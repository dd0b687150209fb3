// Pure: config and cache in, the status page's rows out. Badges say why a row needs attention:
// stale (last scan failed or none in three intervals), held (a hold, from the config or an operation, decided it),
// blocked (the policy's newest choice could not be served, e.g. a platform is missing).
import type { CacheEntry, CacheReader } from '../cache/types.ts';
import { DEFAULT_ENVIRONMENT } from '../cache/types.ts';
import type { Config, Watch } from '../config/types.ts';
import { isStale } from '../cache/staleness.ts';
import { describePolicy } from '../policy/describe.ts';
import { describePromotion, environmentsWith, promotionBadge, stateOf, type PromotionInput } from './promotion.ts';
import type { Badge, EnvironmentView, WatchView } from './types.ts';


function badges(entry: CacheEntry | undefined, now: number, intervalSeconds: number): Badge[] {
  const out: Badge[] = [];
  if (isStale(entry, now, intervalSeconds)) {
    const reason = entry?.lastError
      ? `${entry.lastError.code}: ${entry.lastError.message}`
      : !entry?.current
        ? 'never resolved yet'
        : `no scan finished in three poll intervals (last ${entry.lastCheckedAt ?? 'never'})`;
    out.push({ kind: 'stale', reason });
  }
  if (entry?.held) out.push({ kind: 'held', reason: `held at ${entry.held.tag}${entry.held.by !== undefined ? ` by ${entry.held.by}` : ''}${entry.held.until !== undefined ? ` until ${entry.held.until}` : ''}: ${entry.held.reason}` });
  if (entry?.lastScan?.note && !entry.held) out.push({ kind: 'blocked', reason: entry.lastScan.note });
  return out;
}

/**
 * `resolve` for one watch and environment, as an operator pastes it into the service's container
 * (`kubectl exec deploy/argocd-image-plugins -- …`), where ARGOCD_IMAGE_PLUGINS_CONFIG names the config.
 */
export function resolveCommand(watch: string, environment: string): string {
  const env = environment === DEFAULT_ENVIRONMENT ? '' : ` --environment ${environment}`;
  return `argocd-image-plugins resolve --watch ${watch}${env}`;
}

export function environmentsOf(watch: Watch): string[] {
  return [DEFAULT_ENVIRONMENT, ...Object.keys(watch.environments).sort()];
}

function describeEnvironment(config: Config, cache: CacheReader, watch: Watch, environment: string, now: number, promotion?: PromotionInput): EnvironmentView {
  // An environment only promotion names resolves with the watch's default rule, as getparams does.
  const resolvedAs = Object.hasOwn(watch.environments, environment) ? environment : DEFAULT_ENVIRONMENT;
  const rule = resolvedAs === DEFAULT_ENVIRONMENT ? watch.rule : watch.environments[resolvedAs]!;
  const entry = cache.get(watch.name, resolvedAs);
  const promo = promotion && describePromotion(promotion.ctx, watch.name, environment, promotion.sizes);
  // Under promotion the row shows what the environment's clusters are served, not the candidate.
  const c = (promo && stateOf(promotion.ctx, watch.name, environment)?.served) || entry?.current;
  const list = badges(entry, now, config.polling.intervalSeconds);
  const extra = promo && promotionBadge(promo);
  if (extra && !list.some((b) => b.kind === extra.kind)) list.push(extra);
  return {
    environment,
    ref: c?.ref ?? null,
    tag: c?.tag ?? null,
    digest: c?.digest ?? null,
    resolvedAt: c?.resolvedAt ?? null,
    lastCheckedAt: entry?.lastCheckedAt ?? null,
    platforms: c?.platforms ?? [],
    policy: describePolicy(rule.policy),
    badges: list,
    resolveCommand: resolveCommand(watch.name, resolvedAs),
    ...(promo && { promotion: promo }),
  };
}

export function describeWatch(config: Config, cache: CacheReader, watch: Watch, now: number, promotion?: PromotionInput): WatchView {
  const names = promotion ? environmentsWith(environmentsOf(watch), config) : environmentsOf(watch);
  return { name: watch.name, image: watch.image, environments: names.map((e) => describeEnvironment(config, cache, watch, e, now, promotion)) };
}

export function describeWatches(config: Config, cache: CacheReader, now: number, promotion?: PromotionInput): WatchView[] {
  return [...config.watches].sort((a, b) => (a.name < b.name ? -1 : 1)).map((w) => describeWatch(config, cache, w, now, promotion));
}
