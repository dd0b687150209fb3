// Image references as users write them, parsed and normalised the way Docker and Kubernetes read them
// (distribution/reference grammar: https://github.com/distribution/reference/blob/main/reference.go).
//   nginx                         -> docker.io/library/nginx
//   docker.io/nginx:1.27          -> docker.io/library/nginx, tag 1.27
//   index.docker.io/acme/web      -> docker.io/acme/web
//   host:5000/a/b:tag@sha256:...  -> registry host:5000, repository a/b, tag and digest
// Pure: no I/O.

export const DOCKER_HUB = 'docker.io';

export interface ImageRef {
  /** Registry host, with port when written: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** Path inside the registry: `library/nginx`, `acme/web`. */
  readonly repository: string;
  /** `registry/repository`: the key every lookup uses. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

export type ParseResult = { ok: true; ref: ImageRef } | { ok: false; reason: string };

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** A tag as the OCI distribution spec allows it: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`. */
export function isOciTag(text: string): boolean {
  return TAG.test(text);
}
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;

/** True when the first path component names a registry host rather than a Docker Hub namespace. */
function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();
}

function normaliseRegistry(host: string): string {
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

/** Parse any written form of an image reference; a failure carries the reason. */
export function parseImageRef(text: string): ParseResult {
  if (typeof text !== 'string' || text.length === 0) return { ok: false, reason: 'empty image reference' };
  if (text.length > 4096) return { ok: false, reason: 'image reference longer than 4096 characters' };
  if (/\s/.test(text)) return { ok: false, reason: 'image reference contains white space' };

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { ok: false, reason: `"${digest}" is not a valid digest` };
    if (digest.startsWith('sha256:') && !SHA256.test(digest)) return { ok: false, reason: `"${digest}" is not a valid sha256 digest` };
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { ok: false, reason: `"${tag}" is not a valid tag` };
  }

  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeHost(parts[0]!)) {
    registry = normaliseRegistry(parts.shift()!);
    if (!HOST.test(registry)) return { ok: false, reason: `"${registry}" is not a valid registry host` };
  }
  if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) {
    return { ok: false, reason: `"${rest}" is not a valid repository name (lower-case letters, digits and . _ - separators)` };
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (registry.length + 1 + repository.length > 255) return { ok: false, reason: 'repository name longer than 255 characters' };

  const ref: ImageRef = { registry, repository, name: `${registry}/${repository}` };
  return { ok: true, ref: { ...ref, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) } };
}

/** The canonical text of a reference: `registry/repository[:tag][@digest]`. */
export function formatImageRef(ref: Pick<ImageRef, 'registry' | 'repository'> & { tag?: string | undefined; digest?: string | undefined }): string {
  let out = `${ref.registry}/${ref.repository}`;
  if (ref.tag) out += `:${ref.tag}`;
  if (ref.digest) out += `@${ref.digest}`;
  return out;
}

/** The normalised `registry/repository` of a written reference, or undefined when it is not one. */
export function repositoryKey(text: string): string | undefined {
  const parsed = parseImageRef(text);
  return parsed.ok ? parsed.ref.name : undefined;
}

export function isSha256Digest(value: string): boolean {
  return SHA256.test(value);
}
