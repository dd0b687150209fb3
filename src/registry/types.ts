// What the poller needs from a registry, and nothing more (OCI Distribution spec v1.1:
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md). The implementation in
// client.ts speaks HTTP through undici; tests talk to a real registry on loopback.
import type { TagPush } from './push-types.ts';
import type { RateLimitSnapshot } from './rate-limit.ts';
import type { WindowSnapshot } from './rate-window.ts';

export type { TagPush };

export interface TagListing {
  readonly tags: readonly string[];
  /** Pages read (1 for a registry that does not paginate). */
  readonly pages: number;
  /** False when the walk stopped early (page cap, refused cross-origin link): the list may be short. */
  readonly complete: boolean;
  /** Per tag, when it was last pushed (and its digest where the API says): push-time listings only. */
  readonly pushed?: ReadonlyMap<string, TagPush>;
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
  /** What the registry's rate-limit headers last said (Docker Hub `ratelimit-*`, `x-ratelimit-*`, Retry-After). */
  readonly rateLimit?: RateLimitSnapshot;
  /** This entry's own window (`registries[].rateLimit`). */
  readonly entry?: WindowSnapshot;
  /** The window shared by every entry using the same credentials (`rateLimit.credential`). */
  readonly credential?: WindowSnapshot;
  /** Requests that waited for their pacing slot (rate-limit windows) before being sent. */
  readonly paced?: number;
  /** Requests not sent because no window had one to spare soon enough: their scans waited. */
  readonly deferred?: number;
}

/** When the next request to a registry may go, and how many may go at once now (the poller admits scans by it). */
export interface Pacing {
  /** ms since epoch; Infinity while the poll cycle's requestBudget is spent. */
  readonly readyAt: number;
  readonly free: number;
}

/** A manifest's bytes as stored (signature manifests are parsed by their reader, not here). */
export interface RawManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly body: Buffer;
}

/** Reads of artifacts attached to an image (signatures). Bodies are bounded and digest-checked. */
export interface ArtifactReads {
  /** A manifest by tag or digest; `undefined` when the registry has none (404). */
  manifest(repository: string, reference: string, signal?: AbortSignal): Promise<RawManifest | undefined>;
  blob(repository: string, digest: string, signal?: AbortSignal): Promise<Buffer>;
  /** The OCI 1.1 referrers index of `digest`, filtered by artifact type; `undefined` when the API is absent (404). */
  referrers(repository: string, digest: string, artifactType: string, signal?: AbortSignal): Promise<Buffer | undefined>;
}

export interface RegistryClient {
  /** The registry host this client serves (as in image references). */
  readonly host: string;
  /** All tags of a repository, every page read (Link rel="next", same origin only). */
  listTags(repository: string, options?: RequestOptions): Promise<TagListing>;
  /**
   * The tags with their push times from the registry's own API (registry kinds that have one, see
   * config/registry-kind.ts): one request per page, used instead of the tags list by newestPush.
   */
  listPushTimes?(repository: string, options?: RequestOptions): Promise<TagListing>;
  /** HEAD a manifest by tag or digest (HEAD does not count against Docker Hub pull limits). */
  headManifest(repository: string, reference: string, options?: RequestOptions): Promise<ManifestHead>;
  /** GET a manifest by digest and, where needed, its config blob: platforms and `created`. */
  describeImage(repository: string, digest: string, options?: RequestOptions): Promise<ImageDetails>;
  /**
   * GET a manifest by tag and, where needed, its config blob: the digest the tag names (the hash of
   * the bytes received) with its details, one request fewer than a HEAD and describeImage. A GET
   * counts against Docker Hub pull limits where a HEAD does not; the poller asks this only for tags a
   * push event names.
   */
  describeTag?(repository: string, tag: string, options?: RequestOptions): Promise<ImageDetails>;
  /** Signature reads (absent on clients that cannot read artifacts: verification then fails as a lookup failure). */
  readonly artifacts?: ArtifactReads;
  /** Start a new budget window (the poller calls it at the start of each cycle). */
  resetBudget(): void;
  /** When the next request may go (absent: the client does not pace; the poller never waits on it). */
  pacing?(): Pacing;
  stats(): RegistryStats;
  /** Releases the client's connection pool (optional so simple implementations need not have it). */
  close?(): Promise<void>;
}
