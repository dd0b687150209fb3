// The resolution cache's revision moves on every scan, because each check records its time and
// summary (lastCheckedAt, lastScan) even when nothing served changed; with many watches polled, it
// moves several times a second. A getparams answer reads only what each entry serves: the current
// resolution, the history (a platform fallback), a hold, and the last error when nothing resolved
// yet. This revision moves only when one of those changes, so an answer stays reusable across scans
// that found nothing new.
import { entryKey, type CacheEntry, type CacheReader } from '../cache/types.ts';

/** What of an entry a parameter set can show. */
function servedPart(entry: CacheEntry): string {
  return JSON.stringify([entry.image, entry.current ?? null, entry.history, entry.held ?? null, entry.current ? null : (entry.lastError?.message ?? null)]);
}

/**
 * A counter that moves when what the cache serves changes. Checked lazily: the entries are compared
 * again only when the cache's own revision moved since the last call (O(entries) then, no answer rebuilt).
 */
export function servedRevision(cache: Pick<CacheReader, 'entries' | 'revision'>): () => number {
  let revision = 0;
  let checkedAt = -1;
  let parts = new Map<string, string>();
  return () => {
    if (cache.revision === checkedAt) return revision;
    checkedAt = cache.revision;
    const next = new Map<string, string>();
    let moved = false;
    for (const entry of cache.entries()) {
      const key = entryKey(entry.watch, entry.environment);
      const part = servedPart(entry);
      next.set(key, part);
      moved ||= parts.get(key) !== part;
    }
    if (moved || next.size !== parts.size) revision += 1;
    parts = next;
    return revision;
  };
}
