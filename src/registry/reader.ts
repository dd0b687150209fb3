// Manifest and blob reads. Every body we hold is hashed and checked against `Docker-Content-Digest`
// and against the digest we asked for; a HEAD without that header (some proxies drop it) falls back to
// a GET and the sha256 of the body.
import type { Logger } from '../shared/log.ts';
import type { ImageDetails, ManifestHead, PlatformImage } from './types.ts';
import type { HttpReply } from './transport.ts';
import { registryError } from './errors.ts';
import { replyError } from './status.ts';
import { digestOf, isDigest } from './digest.ts';
import { baseMediaType, isManifestType, MANIFEST_ACCEPT } from './media-types.ts';
import { parseImageConfig, parseManifest, runnablePlatforms, type ParsedManifest } from './manifest.ts';

export interface CallRequest {
  readonly method: 'GET' | 'HEAD';
  readonly url: URL;
  readonly repository: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly maxBytes: number;
  readonly redirects?: boolean;
  readonly signal?: AbortSignal;
  /** See HttpRequest.stream: the body goes to this consumer chunk by chunk. */
  readonly stream?: (status: number) => ((chunk: Buffer) => void) | undefined;
}

export type Call = (req: CallRequest) => Promise<HttpReply>;

export interface ReaderDeps {
  readonly host: string;
  readonly call: Call;
  readonly url: (path: string) => URL;
  readonly limits: { readonly manifestBytes: number; readonly configBytes: number };
  readonly logger: Logger;
}

interface FetchedManifest {
  readonly digest: string;
  readonly manifest: ParsedManifest;
}

async function get(deps: ReaderDeps, repository: string, path: string, accept: string | undefined, maxBytes: number, signal: AbortSignal | undefined, method: 'GET' | 'HEAD' = 'GET'): Promise<HttpReply> {
  const url = deps.url(path);
  const reply = await deps.call({ method, url, repository, headers: accept ? { accept } : {}, maxBytes, redirects: path.includes('/blobs/'), ...(signal ? { signal } : {}) });
  if (reply.status !== 200) throw replyError(reply, { host: deps.host, repository, request: `${method} ${url.pathname}` });
  return reply;
}

/** The reply's digest header, checked against the body we hash and the digest we asked for. */
function verify(host: string, repository: string, reference: string, reply: HttpReply, what: string): string {
  const header = reply.headers['docker-content-digest'];
  const claimed = typeof header === 'string' && header !== '' ? header : undefined;
  const computed = digestOf(reply.body, claimed ?? (isDigest(reference) ? reference : undefined));
  const ctx = { host, repository, extra: { reference, computed, ...(claimed ? { claimed } : {}) } };
  if (claimed !== undefined && claimed !== computed) throw registryError('REG_PROTOCOL', `${what} body does not match its Docker-Content-Digest`, ctx);
  if (isDigest(reference) && reference !== computed) throw registryError('REG_PROTOCOL', `${what} body does not match the requested digest`, ctx);
  return computed;
}

function jsonOf(reply: HttpReply, what: string, ctx: { host: string; repository: string; extra: Record<string, unknown> }): unknown {
  try {
    return JSON.parse(reply.body.toString('utf8'));
  } catch (cause) {
    throw registryError('REG_PROTOCOL', `${what} is not valid JSON`, { ...ctx, cause });
  }
}

async function fetchManifest(deps: ReaderDeps, repository: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
  const reply = await get(deps, repository, `/v2/${repository}/manifests/${reference}`, MANIFEST_ACCEPT, deps.limits.manifestBytes, signal);
  const digest = verify(deps.host, repository, reference, reply, 'manifest');
  const ctx = { host: deps.host, repository, extra: { reference } };
  const contentType = reply.headers['content-type'];
  const parsed = parseManifest(jsonOf(reply, 'manifest', ctx), typeof contentType === 'string' ? contentType : undefined);
  if (!parsed.ok) throw registryError('REG_PROTOCOL', parsed.reason, ctx);
  return { digest, manifest: parsed.value };
}

async function fetchConfig(deps: ReaderDeps, repository: string, digest: string, signal?: AbortSignal) {
  const reply = await get(deps, repository, `/v2/${repository}/blobs/${digest}`, undefined, deps.limits.configBytes, signal);
  verify(deps.host, repository, digest, reply, 'config blob');
  const ctx = { host: deps.host, repository, extra: { digest } };
  const parsed = parseImageConfig(jsonOf(reply, 'image config', ctx));
  if (!parsed.ok) throw registryError('REG_PROTOCOL', parsed.reason, ctx);
  return parsed.value;
}

/** HEAD with every manifest type accepted; GET + sha256 when the digest or media type is missing. */
async function headManifest(deps: ReaderDeps, repository: string, reference: string, signal?: AbortSignal): Promise<ManifestHead> {
  const reply = await get(deps, repository, `/v2/${repository}/manifests/${reference}`, MANIFEST_ACCEPT, 0, signal, 'HEAD');
  const header = reply.headers['docker-content-digest'];
  const mediaType = baseMediaType(typeof reply.headers['content-type'] === 'string' ? reply.headers['content-type'] : undefined);
  if (typeof header === 'string' && isDigest(header) && isManifestType(mediaType)) {
    if (isDigest(reference) && header !== reference) {
      throw registryError('REG_PROTOCOL', 'Docker-Content-Digest differs from the requested digest', { host: deps.host, repository, extra: { reference, claimed: header } });
    }
    return { digest: header, mediaType };
  }
  deps.logger.debug({ repository, reference, digestHeader: typeof header === 'string', mediaType }, 'manifest HEAD incomplete, reading the body');
  const fetched = await fetchManifest(deps, repository, reference, signal);
  return { digest: fetched.digest, mediaType: fetched.manifest.mediaType };
}

/** Platforms and `created` of a manifest digest: an index's runnable children, or one image. */
async function describeImage(deps: ReaderDeps, repository: string, digest: string, signal?: AbortSignal): Promise<ImageDetails> {
  return detailsOf(deps, repository, await fetchManifest(deps, repository, digest, signal), signal);
}

/**
 * What a tag names, from one manifest GET by tag instead of a HEAD and a GET by digest: the digest
 * is the hash of the bytes received (checked against Docker-Content-Digest when sent), then the
 * manifest's details as describeImage reads them.
 */
async function describeTag(deps: ReaderDeps, repository: string, tag: string, signal?: AbortSignal): Promise<ImageDetails> {
  return detailsOf(deps, repository, await fetchManifest(deps, repository, tag, signal), signal);
}

async function detailsOf(deps: ReaderDeps, repository: string, { digest, manifest }: FetchedManifest, signal?: AbortSignal): Promise<ImageDetails> {
  if (manifest.kind === 'image') {
    const config = await fetchConfig(deps, repository, manifest.configDigest, signal);
    const platform: PlatformImage = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}), digest };
    return { digest, mediaType: manifest.mediaType, isIndex: false, platforms: [platform], ...(config.created ? { created: config.created } : {}) };
  }
  const platforms = runnablePlatforms(manifest.manifests);
  let created: string | undefined;
  const first = platforms[0];
  if (first) {
    const child = await fetchManifest(deps, repository, first.digest, signal);
    if (child.manifest.kind === 'image') created = (await fetchConfig(deps, repository, child.manifest.configDigest, signal)).created;
  }
  return { digest, mediaType: manifest.mediaType, isIndex: true, platforms, ...(created ? { created } : {}) };
}

export interface Reader {
  headManifest(repository: string, reference: string, signal?: AbortSignal): Promise<ManifestHead>;
  describeImage(repository: string, digest: string, signal?: AbortSignal): Promise<ImageDetails>;
  describeTag(repository: string, tag: string, signal?: AbortSignal): Promise<ImageDetails>;
}

export function createReader(deps: ReaderDeps): Reader {
  return {
    headManifest: (repository, reference, signal) => headManifest(deps, repository, reference, signal),
    describeImage: (repository, digest, signal) => describeImage(deps, repository, digest, signal),
    describeTag: (repository, tag, signal) => describeTag(deps, repository, tag, signal),
  };
}
