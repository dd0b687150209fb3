// When a resolution stops being trustworthy. The images API and the metrics both report it, so it
// lives with the cache entries it judges. Pure.
import type { CacheEntry } from './types.ts';

/** Poll intervals without a finished scan after which an entry counts as stale. */
export const STALE_AFTER_INTERVALS = 3;

/** Stale: the last scan failed, or no scan finished within three poll intervals. */
export function isStale(entry: CacheEntry | undefined, now: number, intervalSeconds: number): boolean {
  if (!entry?.current || entry.lastError) return true;
  const checked = entry.lastCheckedAt ? Date.parse(entry.lastCheckedAt) : Number.NaN;
  return !(now - checked <= STALE_AFTER_INTERVALS * intervalSeconds * 1000);
}

/**
 * The first moment (epoch ms) `entry` counts as stale if no scan finishes before it; undefined when
 * it is stale already whatever the time (failed last scan, nothing resolved, no scan time).
 */
export function staleFrom(entry: CacheEntry | undefined, intervalSeconds: number): number | undefined {
  if (!entry?.current || entry.lastError) return undefined;
  const checked = entry.lastCheckedAt ? Date.parse(entry.lastCheckedAt) : Number.NaN;
  return Number.isNaN(checked) ? undefined : checked + STALE_AFTER_INTERVALS * intervalSeconds * 1000 + 1;
}
