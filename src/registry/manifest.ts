// Guards for the registry payloads we read (OCI image-spec manifest.md, image-index.md, config.md;
// Docker image manifest v2 schema 2 and manifest list). Only the fields we use are checked; extra fields
// are ignored and malformed index entries are skipped. Pure: no I/O.
import type { Platform } from '../image/platform.ts';
import type { PlatformImage } from './types.ts';
import { baseMediaType, isIndexType, isManifestType, OCI_INDEX, OCI_MANIFEST, IMAGE_TYPES } from './media-types.ts';
import { isDigest } from './digest.ts';

export interface IndexEntry {
  readonly digest: string;
  readonly mediaType?: string;
  readonly platform?: Platform;
  readonly annotations: Readonly<Record<string, string>>;
}

export type ParsedManifest =
  | { readonly kind: 'index'; readonly mediaType: string; readonly manifests: readonly IndexEntry[] }
  | { readonly kind: 'image'; readonly mediaType: string; readonly configDigest: string };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface ImageConfigFacts extends Platform {
  readonly created?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A manifest or index body; `contentType` is the reply's Content-Type (body `mediaType` wins when both exist). */
export function parseManifest(body: unknown, contentType?: string): Parsed<ParsedManifest> {
  if (!isRecord(body)) return { ok: false, reason: 'manifest is not a JSON object' };
  if (body.schemaVersion !== 2) return { ok: false, reason: `unsupported schemaVersion ${JSON.stringify(body.schemaVersion)} (schema 1 is not supported)` };
  const header = baseMediaType(contentType);
  const declared = str(body.mediaType);
  if (declared !== undefined && isManifestType(header) && header !== declared) {
    return { ok: false, reason: `Content-Type ${header} does not match the body's mediaType ${declared}` };
  }
  const mediaType = declared ?? (isManifestType(header) ? header : Array.isArray(body.manifests) ? OCI_INDEX : isRecord(body.config) ? OCI_MANIFEST : undefined);
  if (!isManifestType(mediaType)) return { ok: false, reason: `unsupported manifest media type ${mediaType ?? header ?? '(none)'}` };
  if (isIndexType(mediaType)) {
    if (!Array.isArray(body.manifests)) return { ok: false, reason: 'index has no manifests array' };
    return { ok: true, value: { kind: 'index', mediaType, manifests: body.manifests.map(indexEntry).filter((e): e is IndexEntry => e !== undefined) } };
  }
  const configDigest = isRecord(body.config) ? str(body.config.digest) : undefined;
  if (configDigest === undefined || !isDigest(configDigest)) return { ok: false, reason: 'image manifest has no valid config digest' };
  return { ok: true, value: { kind: 'image', mediaType, configDigest } };
}

function indexEntry(raw: unknown): IndexEntry | undefined {
  if (!isRecord(raw)) return undefined;
  const digest = str(raw.digest);
  if (digest === undefined || !isDigest(digest)) return undefined;
  const annotations: Record<string, string> = {};
  if (isRecord(raw.annotations)) for (const [k, v] of Object.entries(raw.annotations)) if (typeof v === 'string') annotations[k] = v;
  const p = isRecord(raw.platform) ? raw.platform : undefined;
  const os = p ? str(p.os) : undefined;
  const architecture = p ? str(p.architecture) : undefined;
  const variant = p ? str(p.variant) : undefined;
  const platform = os !== undefined && architecture !== undefined ? { os, architecture, ...(variant ? { variant } : {}) } : undefined;
  const mediaType = str(raw.mediaType);
  return { digest, annotations, ...(mediaType ? { mediaType } : {}), ...(platform ? { platform } : {}) };
}

/**
 * The runnable images of an index: entries with a platform, that are image manifests, and that are not
 * attestations (buildx puts provenance/SBOM manifests in the index as `unknown/unknown` with
 * `vnd.docker.reference.type: attestation-manifest`).
 */
export function runnablePlatforms(entries: readonly IndexEntry[]): PlatformImage[] {
  const out: PlatformImage[] = [];
  for (const e of entries) {
    if (!e.platform || (e.platform.os === 'unknown' && e.platform.architecture === 'unknown')) continue;
    if (e.annotations['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    if (e.mediaType !== undefined && !IMAGE_TYPES.includes(e.mediaType)) continue;
    out.push({ ...e.platform, digest: e.digest });
  }
  return out;
}

/** os/architecture/variant/created from an image config blob (OCI image-spec config.md). */
export function parseImageConfig(body: unknown): Parsed<ImageConfigFacts> {
  if (!isRecord(body)) return { ok: false, reason: 'image config is not a JSON object' };
  const os = str(body.os);
  const architecture = str(body.architecture);
  if (os === undefined || architecture === undefined) return { ok: false, reason: 'image config lacks os or architecture' };
  const variant = str(body.variant);
  const createdRaw = str(body.created);
  const created = createdRaw !== undefined && !Number.isNaN(Date.parse(createdRaw)) ? createdRaw : undefined;
  return { ok: true, value: { os, architecture, ...(variant ? { variant } : {}), ...(created ? { created } : {}) } };
}

// Platform names and matching live with image references (pure, shared with the generator).
export { formatPlatform, normalizePlatform, parsePlatform, platformMatches } from '../image/platform.ts';
