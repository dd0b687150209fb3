// Pure: config and cache in, the status page's rows out. Badges say why a row needs attention:
// stale (last scan failed or none in three intervals), held (a hold, from the config or an operation, decided it),
// blocked (the policy's newest choice could not be served, e.g. a platform is missing).
import type { CacheEntry, CacheReader } from '../cache/types.ts';
import { DEFAULT_ENVIRONMENT } from '../cache/types.ts';
import type { Config, Watch } from '../config/types.ts';
import { isStale } from '../cache/staleness.ts';
import { describePolicy } from '../policy/describe.ts';
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

export function describeWatch(config: Config, cache: CacheReader, watch: Watch, now: number): WatchView {
  const environments: EnvironmentView[] = environmentsOf(watch).map((environment) => {
    const rule = environment === DEFAULT_ENVIRONMENT ? watch.rule : watch.environments[environment]!;
    const entry = cache.get(watch.name, environment);
    const c = entry?.current;
    return {
      environment,
      ref: c?.ref ?? null,
      tag: c?.tag ?? null,
      digest: c?.digest ?? null,
      resolvedAt: c?.resolvedAt ?? null,
      lastCheckedAt: entry?.lastCheckedAt ?? null,
      platforms: c?.platforms ?? [],
      policy: describePolicy(rule.policy),
      badges: badges(entry, now, config.polling.intervalSeconds),
      resolveCommand: resolveCommand(watch.name, environment),
    };
  });
  return { name: watch.name, image: watch.image, environments };
}

export function describeWatches(config: Config, cache: CacheReader, now: number): WatchView[] {
  return [...config.watches].sort((a, b) => (a.name < b.name ? -1 : 1)).map((w) => describeWatch(config, cache, w, now));
}
