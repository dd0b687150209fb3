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
  /**
   * Applies one scan outcome to the latest state; returns true when `current` changed (tag, digest
   * or ref). With `autoCommit` off, readers see it only after `commit()`.
   */
  record(watch: string, environment: string, image: string, outcome: RecordOutcome): boolean;
  /** The latest state of one entry, committed or not (the poller decides from it). */
  latest(watch: string, environment: string): CacheEntry | undefined;
  /** Every entry's latest state (what a snapshot writes). */
  latestEntries(): readonly CacheEntry[];
  /** Makes the latest state visible to readers and tells the listeners what changed. */
  commit(): void;
  /**
   * Captures the latest state for a snapshot; the returned `commit` later publishes exactly what was
   * captured (records made while the snapshot was being written wait for the next checkpoint).
   */
  checkpoint(): { readonly entries: readonly CacheEntry[]; commit(): void };
  /** Replaces the whole content (snapshot restore). */
  load(entries: readonly CacheEntry[]): void;
  /** Drops entries whose key is not in `keep` (watches removed from the config). */
  retain(keep: ReadonlySet<string>): void;
}

export interface ResolutionCacheOptions {
  /** How many earlier resolutions each entry keeps. */
  readonly historyLimit?: number;
  /**
   * Publish every record at once (default). The service turns this off and commits only after the
   * snapshot holding a change is on disk, so nothing is ever served that a crash could take back
   * (a restart would otherwise serve an older resolution: a silent downgrade).
   */
  readonly autoCommit?: boolean;
}

function sameTarget(a: Resolution | undefined, b: Resolution): boolean {
  return a !== undefined && a.tag === b.tag && a.digest === b.digest && a.ref === b.ref;
}

export function createResolutionCache(options: ResolutionCacheOptions = {}): ResolutionCache {
  const historyLimit = options.historyLimit ?? 10;
  const autoCommit = options.autoCommit ?? true;
  /** What readers see. */
  const committed = new Map<string, CacheEntry>();
  /** Latest state, ahead of `committed` by the keys in `dirty`. */
  const latest = new Map<string, CacheEntry>();
  const dirty = new Set<string>();
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

  /** Publishes the given keys' entries (undefined = removed). */
  function publishKeys(captured: ReadonlyMap<string, CacheEntry | undefined>): void {
    const changed: CacheEntry[] = [];
    for (const [key, entry] of captured) {
      if (entry) {
        committed.set(key, entry);
        changed.push(entry);
      } else committed.delete(key);
      if (latest.get(key) === entry) dirty.delete(key);
    }
    if (captured.size > 0) publish(changed);
  }

  function capture(keys: Iterable<string>): Map<string, CacheEntry | undefined> {
    return new Map([...keys].map((key) => [key, latest.get(key)]));
  }

  function commit(): void {
    publishKeys(capture(dirty));
  }

  return {
    get: (watch, environment) => committed.get(entryKey(watch, environment)),
    entries: () => [...committed.values()],
    latest: (watch, environment) => latest.get(entryKey(watch, environment)),
    latestEntries: () => [...latest.values()],
    get revision() {
      return revision;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    record(watch, environment, image, outcome) {
      const key = entryKey(watch, environment);
      const prev = latest.get(key);
      const base: CacheEntry = prev ?? { watch, environment, image, history: [] };
      let entry: CacheEntry;
      let moved = false;
      if (outcome.kind === 'resolved') {
        ({ entry, moved } = applyResolved(prev, base, outcome));
      } else {
        // Last known good: the current resolution stays; only the error and check time change.
        entry = { ...base, image, lastCheckedAt: outcome.error.at, lastError: outcome.error, ...(outcome.summary && { lastScan: outcome.summary }) };
      }
      latest.set(key, Object.freeze(entry));
      dirty.add(key);
      if (autoCommit) commit();
      return moved;
    },
    commit,
    checkpoint() {
      const captured = capture(dirty);
      return { entries: [...latest.values()], commit: () => publishKeys(captured) };
    },
    load(list) {
      committed.clear();
      latest.clear();
      dirty.clear();
      for (const e of list) {
        const entry = Object.freeze({ ...e });
        committed.set(entryKey(e.watch, e.environment), entry);
        latest.set(entryKey(e.watch, e.environment), entry);
      }
      publish([...committed.values()]);
    },
    retain(keep) {
      const removed: string[] = [];
      for (const key of latest.keys()) {
        if (!keep.has(key)) {
          latest.delete(key);
          removed.push(key);
        }
      }
      // Dropping a removed watch's entries loses nothing a restart could bring back: publish at once.
      publishKeys(capture(removed));
    },
  };
}
