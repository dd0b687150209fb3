// The poller as the rest of the service sees it.

export interface RescanResult {
  /** `registry/repository` that was scanned. */
  readonly image: string;
  /** Cache entries whose `current` resolution changed. */
  readonly changed: readonly { readonly watch: string; readonly environment: string }[];
  readonly error?: string;
  /**
   * Tags the caller named that the registry did not serve yet: missing from a complete listing, or
   * listed while a manifest lookup answered 404. A registry may announce a push before it serves the
   * tag (Distribution notifies from inside the manifest write, before the tag's link is written).
   */
  readonly pending?: readonly string[];
}

export interface RescanOptions {
  /** Tags a push event says changed. */
  readonly tags?: readonly string[];
  /**
   * The manifest digest the push event names for some of `tags` (Distribution's `target.digest`). A
   * hint, never the tag's digest: the scan may fetch the manifest by it (the bytes are checked
   * against it, registry/reader.ts) while it still asks the registry which digest the tag names.
   */
  readonly digests?: ReadonlyMap<string, string>;
}

export interface PollerHandle {
  /** Starts the timers; the first cycle runs at once unless the restored cache is fresh. */
  start(): void;
  /** Aborts in-flight requests, waits for running scans, clears timers. */
  stop(): Promise<void>;
  /**
   * Scans one repository now (webhooks call this). `tags` names tags a push event says changed:
   * their remembered digests are dropped, so a re-pushed tag is looked up again. Unknown images
   * resolve to `undefined`.
   */
  rescan(image: string, reason: string, options?: RescanOptions): Promise<RescanResult | undefined>;
  /** True once every watch has been scanned once or restored from the persisted cache. */
  isReady(): boolean;
}
