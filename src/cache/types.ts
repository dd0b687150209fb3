// The resolved-tag cache: the last good answer per (watch, environment), with what happened since.
// Persisted by snapshot.ts; read by the generator and the images API.

/** One resolution: the tag the policy chose and what it points at. */
export interface Resolution {
  readonly tag: string;
  /** Manifest digest of the tag (index digest for multi-platform images). */
  readonly digest: string;
  /** The reference clusters should run, per the watch's pin mode. */
  readonly ref: string;
  /** Platforms the image provides, as `os/arch[/variant]`. */
  readonly platforms: readonly string[];
  /** Image config `created`, when known. */
  readonly created?: string;
  /** When the tag was last pushed, from the registry's push-time API (newestPush), when known. */
  readonly pushedAt?: string;
  /** When this resolution was first chosen (ISO 8601). */
  readonly resolvedAt: string;
  /** Set when the watch verifies signatures: the key that verified this digest and where the signature was found. */
  readonly signature?: { readonly key: string; readonly via: 'referrers' | 'tag' };
}

export interface RecordedError {
  readonly code: string;
  readonly message: string;
  readonly at: string;
  /** How long the registry asked us to wait (Retry-After), when it did. */
  readonly retryAfterMs?: number;
}

export interface CacheEntry {
  readonly watch: string;
  /** `default`, or the environment whose override produced this entry. */
  readonly environment: string;
  /** `registry/repository` */
  readonly image: string;
  /** Undefined until the first successful resolution. */
  readonly current?: Resolution;
  /** Earlier resolutions, newest first (bounded), for platform fall-back and audits. */
  readonly history: readonly Resolution[];
  /** Last time a scan completed for this entry, successful or not (ISO 8601). */
  readonly lastCheckedAt?: string;
  /** Set while the last scan failed; cleared by the next success. */
  readonly lastError?: RecordedError;
  /** Set when a hold decided `current`: from the config, or taken as an operation (`by` set). */
  readonly held?: HeldBy;
  /** What the last completed scan saw, for explanations (`GET /api/v1/images`). */
  readonly lastScan?: ScanSummary;
}

export interface HeldBy {
  readonly tag: string;
  readonly reason: string;
  /** The operator who took the hold (absent: the config's `holds`). */
  readonly by?: string;
  readonly until?: string;
}

export interface ScanSummary {
  /** Tags the registry listed. */
  readonly tags: number;
  /** Tags that passed the filters and the policy's constraints. */
  readonly candidates: number;
  /** False when the tag list may be short (page cap, refused link). */
  readonly complete: boolean;
  /** Why the resolution did or did not move (e.g. "kept 2.0.0: not listed any more"). */
  readonly note?: string;
}

export { DEFAULT_ENVIRONMENT } from '../config/types.ts';

export function entryKey(watch: string, environment: string): string {
  return `${watch}\u0000${environment}`;
}

/** Read side of the cache, all the generator and the images API need. */
export interface CacheReader {
  get(watch: string, environment: string): CacheEntry | undefined;
  entries(): readonly CacheEntry[];
  /** Increases on every change; parameter sets are rebuilt when it moves. */
  readonly revision: number;
  /** Called after every change with the entries that changed; returns an unsubscribe function. */
  onChange(listener: (changed: readonly CacheEntry[]) => void): () => void;
}
