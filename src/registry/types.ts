// What the poller needs from a registry, and nothing more (OCI Distribution spec v1.1:
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md). The implementation in
// client.ts speaks HTTP through undici; tests talk to a real registry on loopback.

export interface TagListing {
  readonly tags: readonly string[];
  /** Pages read (1 for a registry that does not paginate). */
  readonly pages: number;
  /** False when the walk stopped early (page cap, refused cross-origin link): the list may be short. */
  readonly complete: boolean;
}

export interface ManifestHead {
  /** `Docker-Content-Digest`, or the sha256 of the body when a proxy dropped that header. */
  readonly digest: string;
  readonly mediaType: string;
}

export interface PlatformImage {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  /** Digest of the single-platform manifest. */
  readonly digest: string;
}

/** What a manifest digest points at. Immutable, so callers cache it by digest forever. */
export interface ImageDetails {
  readonly digest: string;
  readonly mediaType: string;
  /** True for an OCI index / Docker manifest list. */
  readonly isIndex: boolean;
  /** Runnable platforms (attestation entries `unknown/unknown` left out). */
  readonly platforms: readonly PlatformImage[];
  /** Image config `created` (ISO 8601) of the image, or of the first platform of an index. */
  readonly created?: string;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
}

export interface RegistryStats {
  /** Requests sent since the client was made, by HTTP status ('error' for network failures). */
  readonly requestsByStatus: Readonly<Record<string, number>>;
  /** Requests left in the current budget window. */
  readonly budgetLeft: number;
}

export interface RegistryClient {
  /** The registry host this client serves (as in image references). */
  readonly host: string;
  /** All tags of a repository, every page read (Link rel="next", same origin only). */
  listTags(repository: string, options?: RequestOptions): Promise<TagListing>;
  /** HEAD a manifest by tag or digest (HEAD does not count against Docker Hub pull limits). */
  headManifest(repository: string, reference: string, options?: RequestOptions): Promise<ManifestHead>;
  /** GET a manifest by digest and, where needed, its config blob: platforms and `created`. */
  describeImage(repository: string, digest: string, options?: RequestOptions): Promise<ImageDetails>;
  /** Start a new budget window (the poller calls it at the start of each cycle). */
  resetBudget(): void;
  stats(): RegistryStats;
  /** Releases the client's connection pool (optional so simple implementations need not have it). */
  close?(): Promise<void>;
}
