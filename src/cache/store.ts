// The in-memory resolved-tag cache. One entry per (watch, environment): the current resolution,
// a bounded history, and what the last scan said. Writers are the poller and the snapshot loader;
// readers (generator, images API) subscribe to changes instead of polling it.
import type { CacheEntry, CacheReader, RecordedError, Resolution, ScanSummary } from './types.ts';
import { entryKey } from './types.ts';

export type RecordOutcome =
  | {
      readonly kind: 'resolved';
      /** The resolution to serve; `resolvedAt` is kept from the current one when nothing changed. */
      readonly resolution: Resolution;
      readonly held?: { readonly tag: string; readonly reason: string };
      readonly summary: ScanSummary;
      readonly at: string;
    }
  | { readonly kind: 'failed'; readonly error: RecordedError; readonly summary?: ScanSummary };

export interface ResolutionCache extends CacheReader {
  /** Applies one scan outcome; returns true when `current` changed (tag, digest or ref). */
  record(watch: string, environment: string, image: string, outcome: RecordOutcome): boolean;
  /** Replaces the whole content (snapshot restore). */
  load(entries: readonly CacheEntry[]): void;
  /** Drops entries whose key is not in `keep` (watches removed from the config). */
  retain(keep: ReadonlySet<string>): void;
}

export interface ResolutionCacheOptions {
  /** How many earlier resolutions each entry keeps. */
  readonly historyLimit?: number;
}

function sameTarget(a: Resolution | undefined, b: Resolution): boolean {
  return a !== undefined && a.tag === b.tag && a.digest === b.digest && a.ref === b.ref;
}

export function createResolutionCache(options: ResolutionCacheOptions = {}): ResolutionCache {
  const historyLimit = options.historyLimit ?? 10;
  const entries = new Map<string, CacheEntry>();
  const listeners = new Set<(changed: readonly CacheEntry[]) => void>();
  let revision = 0;

  function publish(changed: readonly CacheEntry[]): void {
    revision += 1;
    for (const listener of listeners) listener(changed);
  }

  function applyResolved(prev: CacheEntry | undefined, base: CacheEntry, o: Extract<RecordOutcome, { kind: 'resolved' }>): { entry: CacheEntry; moved: boolean } {
    const current = prev?.current;
    const moved = !sameTarget(current, o.resolution);
    const resolution = moved || current === undefined ? o.resolution : { ...o.resolution, resolvedAt: current.resolvedAt };
    const history = moved && current ? [current, ...(prev?.history ?? [])].slice(0, historyLimit) : (prev?.history ?? []);
    const entry: CacheEntry = {
      watch: base.watch,
      environment: base.environment,
      image: base.image,
      current: resolution,
      history,
      lastCheckedAt: o.at,
      lastScan: o.summary,
      ...(o.held && { held: o.held }),
    };
    return { entry, moved };
  }

  return {
    get: (watch, environment) => entries.get(entryKey(watch, environment)),
    entries: () => [...entries.values()],
    get revision() {
      return revision;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    record(watch, environment, image, outcome) {
      const key = entryKey(watch, environment);
      const prev = entries.get(key);
      const base: CacheEntry = prev ?? { watch, environment, image, history: [] };
      let entry: CacheEntry;
      let moved = false;
      if (outcome.kind === 'resolved') {
        ({ entry, moved } = applyResolved(prev, base, outcome));
      } else {
        // Last known good: the current resolution stays; only the error and check time change.
        entry = { ...base, image, lastCheckedAt: outcome.error.at, lastError: outcome.error, ...(outcome.summary && { lastScan: outcome.summary }) };
      }
      entries.set(key, Object.freeze(entry));
      publish([entry]);
      return moved;
    },
    load(list) {
      entries.clear();
      for (const e of list) entries.set(entryKey(e.watch, e.environment), Object.freeze({ ...e }));
      publish([...entries.values()]);
    },
    retain(keep) {
      const removed: CacheEntry[] = [];
      for (const [key, e] of entries) {
        if (!keep.has(key)) {
          entries.delete(key);
          removed.push(e);
        }
      }
      if (removed.length > 0) publish(removed);
    },
  };
}
