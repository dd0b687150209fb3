// The in-memory resolved-tag cache. One entry per (watch, environment): the current resolution,
// a bounded history, and what the last scan said. Writers are the poller and the snapshot loader;
// readers (generator, images API) subscribe to changes instead of polling it.
import type { CacheEntry, CacheReader } from './types.ts';
import { entryKey } from './types.ts';
import { applyOutcome, type RecordOutcome } from './outcome.ts';

export type { RecordOutcome };

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

/** How many earlier resolutions an entry keeps unless told otherwise: enough to roll back a few releases. */
const DEFAULT_HISTORY_LIMIT = 10;

/**
 * Two views of the entries: what readers see (`committed`) and the latest state, ahead of it by the
 * keys in `dirty`. Publishing copies captured keys across and tells the listeners.
 */
interface Staged {
  readonly committed: Map<string, CacheEntry>;
  readonly latest: Map<string, CacheEntry>;
  readonly dirty: Set<string>;
  readonly listeners: Set<(changed: readonly CacheEntry[]) => void>;
  revision: number;
}

function publish(state: Staged, changed: readonly CacheEntry[]): void {
  state.revision += 1;
  for (const listener of state.listeners) listener(changed);
}

/** Publishes the given keys' entries (undefined = removed). */
function publishKeys(state: Staged, captured: ReadonlyMap<string, CacheEntry | undefined>): void {
  const changed: CacheEntry[] = [];
  for (const [key, entry] of captured) {
    if (entry) {
      state.committed.set(key, entry);
      changed.push(entry);
    } else state.committed.delete(key);
    if (state.latest.get(key) === entry) state.dirty.delete(key);
  }
  if (captured.size > 0) publish(state, changed);
}

function capture(state: Staged, keys: Iterable<string>): Map<string, CacheEntry | undefined> {
  return new Map([...keys].map((key) => [key, state.latest.get(key)]));
}

function loadEntries(state: Staged, list: readonly CacheEntry[]): void {
  state.committed.clear();
  state.latest.clear();
  state.dirty.clear();
  for (const e of list) {
    const entry = Object.freeze({ ...e });
    state.committed.set(entryKey(e.watch, e.environment), entry);
    state.latest.set(entryKey(e.watch, e.environment), entry);
  }
  publish(state, [...state.committed.values()]);
}

function retainKeys(state: Staged, keep: ReadonlySet<string>): void {
  const removed: string[] = [];
  for (const key of state.latest.keys()) {
    if (!keep.has(key)) {
      state.latest.delete(key);
      removed.push(key);
    }
  }
  // Dropping a removed watch's entries loses nothing a restart could bring back: publish at once.
  publishKeys(state, capture(state, removed));
}

export function createResolutionCache(options: ResolutionCacheOptions = {}): ResolutionCache {
  const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const autoCommit = options.autoCommit ?? true;
  const state: Staged = { committed: new Map(), latest: new Map(), dirty: new Set(), listeners: new Set(), revision: 0 };
  const commit = (): void => publishKeys(state, capture(state, state.dirty));
  return {
    get: (watch, environment) => state.committed.get(entryKey(watch, environment)),
    entries: () => [...state.committed.values()],
    latest: (watch, environment) => state.latest.get(entryKey(watch, environment)),
    latestEntries: () => [...state.latest.values()],
    get revision() {
      return state.revision;
    },
    onChange(listener) {
      state.listeners.add(listener);
      return () => state.listeners.delete(listener);
    },
    record(watch, environment, image, outcome) {
      const key = entryKey(watch, environment);
      const { entry, moved } = applyOutcome(state.latest.get(key), { watch, environment, image }, outcome, historyLimit);
      state.latest.set(key, Object.freeze(entry));
      state.dirty.add(key);
      if (autoCommit) commit();
      return moved;
    },
    commit,
    checkpoint() {
      const captured = capture(state, state.dirty);
      return { entries: [...state.latest.values()], commit: () => publishKeys(state, captured) };
    },
    load: (list) => loadEntries(state, list),
    retain: (keep) => retainKeys(state, keep),
  };
}
