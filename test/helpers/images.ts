// Deterministic images built in memory and pushed with the real Distribution push protocol
// (OCI distribution-spec "Pushing blobs" monolithic POST + PUT, then "Pushing Manifests":
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#push). Same options, same bytes,
// same digests on every run. Auth: Basic for an htpasswd registry, a push-scoped token from the
// registry's token issuer for a token registry (the TestRegistry shape from registry.ts carries both).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

/** Where to push: a TestRegistry, a protocol peer, or any `{ url }`. */
export interface PushTarget {
  readonly url: string;
  readonly basic?: { readonly username: string; readonly password: string };
  readonly token?: { readonly realm: string; readonly service: string; readonly username: string; readonly password: string };
}

export type ImageFormat = 'oci' | 'docker';

export interface ImageOptions {
  /** Image config `created` (ISO 8601). */
  readonly created: string;
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly format?: ImageFormat;
  /** Goes into the config labels: two images with the same created/platform but different labels differ. */
  readonly label?: string;
}

export interface PushedImage {
  readonly digest: string;
  readonly configDigest: string;
  readonly mediaType: string;
  readonly size: number;
}

export interface IndexPlatform {
  readonly os?: string;
  readonly architecture: string;
  readonly variant?: string;
  /** Defaults to the index's `created`. */
  readonly created?: string;
}

export interface IndexOptions {
  readonly created: string;
  readonly platforms: readonly IndexPlatform[];
  readonly format?: ImageFormat;
  readonly label?: string;
  /** Add a buildx-style attestation manifest (platform unknown/unknown) for the first platform. */
  readonly attestation?: boolean;
}

export interface PushedIndex {
  readonly digest: string;
  readonly mediaType: string;
  readonly children: readonly (PushedImage & { readonly platform: { os: string; architecture: string; variant?: string } })[];
  /** The attestation manifest's digest, when one was added. */
  readonly attestationDigest?: string;
}

export interface SeedEntry {
  readonly repo: string;
  readonly tag: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly created: string;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
}

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

/** Builds one single-platform image and pushes blobs + manifest; `tag` may be a tag or undefined (push by digest). */
export async function pushImage(reg: PushTarget, repo: string, tag: string | undefined, opts: ImageOptions): Promise<PushedImage> {
  const format = opts.format ?? 'oci';
  const arch = opts.architecture ?? 'amd64';
  const os = opts.os ?? 'linux';
  const label = opts.label ?? `${repo}:${tag ?? ''}`;
  const tar = ustar('hello.txt', `hello from ${label}\n`);
  const layer = gzipSync(tar, { level: 9 });
  const config = Buffer.from(
    JSON.stringify({
      created: opts.created,
      architecture: arch,
      os,
      ...(opts.variant ? { variant: opts.variant } : {}),
      config: { Cmd: ['/hello'], Labels: { 'org.opencontainers.image.version': label } },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      history: [{ created: opts.created, created_by: 'test images helper' }],
    }),
  );
  const headers = await authHeaders(reg, repo);
  await pushBlob(reg, repo, layer, headers);
  await pushBlob(reg, repo, config, headers);
  const oci = format === 'oci';
  const mediaType = oci ? OCI_MANIFEST : DOCKER_MANIFEST;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: oci ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: oci ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: sha256(layer), size: layer.length }],
    ...(oci ? { annotations: { 'org.opencontainers.image.created': opts.created } } : {}),
  };
  const body = Buffer.from(JSON.stringify(manifest));
  const digest = await putManifest(reg, repo, tag ?? sha256(body), body, mediaType, headers);
  return { digest, configDigest: sha256(config), mediaType, size: body.length };
}

/** Pushes every platform image by digest, then the index / manifest list under `tag`. */
export async function pushIndex(reg: PushTarget, repo: string, tag: string, opts: IndexOptions): Promise<PushedIndex> {
  const format = opts.format ?? 'oci';
  const children: PushedIndex['children'][number][] = [];
  for (const p of opts.platforms) {
    const platform = { os: p.os ?? 'linux', architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) };
    const label = `${opts.label ?? `${repo}:${tag}`}/${platform.os}/${platform.architecture}${p.variant ? '/' + p.variant : ''}`;
    const img = await pushImage(reg, repo, undefined, { created: p.created ?? opts.created, ...platform, format, label });
    children.push({ ...img, platform });
  }
  const manifests: Descriptor[] = children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: c.size, platform: c.platform }));
  let attestationDigest: string | undefined;
  const first = children[0];
  if (opts.attestation && first) {
    const att = await pushAttestation(reg, repo, first.digest);
    attestationDigest = att.digest;
    manifests.push({
      mediaType: OCI_MANIFEST,
      digest: att.digest,
      size: att.size,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: { 'vnd.docker.reference.digest': first.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
    });
  }
  const mediaType = format === 'oci' ? OCI_INDEX : DOCKER_LIST;
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }));
  const digest = await putManifest(reg, repo, tag, body, mediaType, await authHeaders(reg, repo));
  return { digest, mediaType, children, ...(attestationDigest ? { attestationDigest } : {}) };
}

/** Pushes an existing manifest's bytes under another tag (an alias such as `stable`). */
export async function tagManifest(reg: PushTarget, repo: string, digest: string, tag: string): Promise<void> {
  const headers = await authHeaders(reg, repo);
  const accept = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(', ');
  const res = await request(`${reg.url}/v2/${repo}/manifests/${digest}`, { headers: { ...headers, accept } });
  const body = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== 200) throw new Error(`GET manifest ${repo}@${digest}: ${res.statusCode} ${body.toString()}`);
  await putManifest(reg, repo, tag, body, String(res.headers['content-type']), headers);
}

/** DELETE by digest (Distribution cannot delete by tag): every tag pointing at it disappears. */
export async function deleteManifest(reg: PushTarget, repo: string, digest: string): Promise<void> {
  const res = await request(`${reg.url}/v2/${repo}/manifests/${digest}`, { method: 'DELETE', headers: await authHeaders(reg, repo) });
  const text = await res.body.text();
  if (res.statusCode !== 202) throw new Error(`DELETE ${repo}@${digest}: ${res.statusCode} ${text}`);
}

/** Seeds the standard test images and returns the ground truth, one entry per tag. */
export async function seedStandard(reg: PushTarget): Promise<SeedEntry[]> {
  const app: Array<[string, string]> = [
    ['1.2.3', '2026-01-01T00:00:00Z'],
    ['1.9.0', '2026-01-05T00:00:00Z'],
    ['1.10.0', '2026-01-10T00:00:00Z'],
    ['2.0.0-rc.1', '2026-01-15T00:00:00Z'],
    ['2.0.0', '2026-01-20T00:00:00Z'],
    ['v2.1.0', '2026-01-25T00:00:00Z'],
    ['0.0.1-alpha', '2025-12-01T00:00:00Z'],
    ['main-abc123-20260101', '2026-01-01T12:00:00Z'],
    ['sha-3f2a9c1', '2026-02-02T00:00:00Z'],
    ['latest', '2026-02-01T00:00:00Z'],
  ];
  const seedApp = async (): Promise<SeedEntry[]> => {
    const out: SeedEntry[] = [];
    for (const [tag, created] of app) {
      const img = await pushImage(reg, 'test/app', tag, { created, label: `app-${tag}` });
      out.push({ repo: 'test/app', tag, digest: img.digest, mediaType: img.mediaType, created });
    }
    const stable = await pushImage(reg, 'test/app', 'stable', { created: '2026-01-20T00:00:00Z', label: 'app-2.0.0' });
    out.push({ repo: 'test/app', tag: 'stable', digest: stable.digest, mediaType: stable.mediaType, created: '2026-01-20T00:00:00Z' });
    return out;
  };
  const multiPlatforms = [{ architecture: 'amd64' }, { architecture: 'arm64', variant: 'v8' }];
  const seedMulti = async (): Promise<SeedEntry[]> => {
    const created = '2026-03-01T00:00:00Z';
    const one = await pushIndex(reg, 'test/multi', '1.0.0', { created, platforms: multiPlatforms, label: 'multi-1.0.0' });
    const latest = await pushIndex(reg, 'test/multi', 'latest', { created, platforms: multiPlatforms, label: 'multi-1.0.0' });
    const old = await pushImage(reg, 'test/multi', '0.9.0', { created: '2026-02-15T00:00:00Z', label: 'multi-0.9.0' });
    return [
      { repo: 'test/multi', tag: '1.0.0', digest: one.digest, mediaType: one.mediaType, created },
      { repo: 'test/multi', tag: 'latest', digest: latest.digest, mediaType: latest.mediaType, created },
      { repo: 'test/multi', tag: '0.9.0', digest: old.digest, mediaType: old.mediaType, created: '2026-02-15T00:00:00Z' },
    ];
  };
  const seedDocker = async (): Promise<SeedEntry[]> => {
    const out: SeedEntry[] = [];
    for (const [tag, created] of [['1.0.0', '2025-06-01T00:00:00Z'], ['1.1.0', '2025-07-01T00:00:00Z']] as const) {
      const img = await pushImage(reg, 'test/docker', tag, { created, format: 'docker', label: `docker-${tag}` });
      out.push({ repo: 'test/docker', tag, digest: img.digest, mediaType: img.mediaType, created });
    }
    const created = '2026-03-01T00:00:00Z';
    const list = await pushIndex(reg, 'test/docker-multi', '1.0.0', { created, platforms: multiPlatforms, format: 'docker', label: 'multi-1.0.0' });
    out.push({ repo: 'test/docker-multi', tag: '1.0.0', digest: list.digest, mediaType: list.mediaType, created });
    return out;
  };
  const seedPrivate = async (): Promise<SeedEntry[]> => {
    const img = await pushImage(reg, 'private/app', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'private-1.0.0' });
    return [{ repo: 'private/app', tag: '1.0.0', digest: img.digest, mediaType: img.mediaType, created: '2026-01-01T00:00:00Z' }];
  };
  const parts = await Promise.all([seedApp(), seedMulti(), seedDocker(), seedPrivate()]);
  return parts.flat();
}

/** A buildx-style attestation manifest: an OCI manifest whose layer is an in-toto statement. */
async function pushAttestation(reg: PushTarget, repo: string, subject: string): Promise<{ digest: string; size: number }> {
  const headers = await authHeaders(reg, repo);
  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', subject: [{ digest: { sha256: subject.slice(7) } }], predicateType: 'https://slsa.dev/provenance/v0.2' }));
  const config = Buffer.from(JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(statement)] } }));
  await pushBlob(reg, repo, statement, headers);
  await pushBlob(reg, repo, config, headers);
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.in-toto+json', digest: sha256(statement), size: statement.length, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }],
    }),
  );
  const digest = await putManifest(reg, repo, sha256(body), body, OCI_MANIFEST, headers);
  return { digest, size: body.length };
}

export async function pushBlob(reg: PushTarget, repo: string, data: Buffer, headers: Record<string, string>): Promise<void> {
  const start = await request(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
  await start.body.dump();
  const location = start.headers.location;
  if (start.statusCode !== 202 || typeof location !== 'string') throw new Error(`POST blob upload ${repo}: ${start.statusCode}`);
  const target = new URL(location, reg.url);
  target.searchParams.set('digest', sha256(data));
  const put = await request(target, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(data.length) }, body: data });
  const text = await put.body.text();
  if (put.statusCode !== 201) throw new Error(`PUT blob ${repo}: ${put.statusCode} ${text}`);
}

export async function putManifest(reg: PushTarget, repo: string, reference: string, body: Buffer, mediaType: string, headers: Record<string, string>): Promise<string> {
  const res = await request(`${reg.url}/v2/${repo}/manifests/${reference}`, { method: 'PUT', headers: { ...headers, 'content-type': mediaType }, body });
  const text = await res.body.text();
  if (res.statusCode !== 201) throw new Error(`PUT manifest ${repo}:${reference}: ${res.statusCode} ${text}`);
  const digest = sha256(body);
  if (res.headers['docker-content-digest'] !== digest) throw new Error(`PUT manifest ${repo}:${reference}: registry digest ${String(res.headers['docker-content-digest'])} != ${digest}`);
  return digest;
}

const tokenCache = new WeakMap<object, Map<string, string>>();

/** Authorization for pushes: Basic credentials, or a pull+push+delete token from the registry's issuer. */
export async function authHeaders(reg: PushTarget, repo: string): Promise<Record<string, string>> {
  if (reg.basic) return { authorization: 'Basic ' + Buffer.from(`${reg.basic.username}:${reg.basic.password}`).toString('base64') };
  if (!reg.token) return {};
  const cache = tokenCache.get(reg) ?? new Map<string, string>();
  tokenCache.set(reg, cache);
  let token = cache.get(repo);
  if (token === undefined) {
    const url = new URL(reg.token.realm);
    url.searchParams.set('service', reg.token.service);
    url.searchParams.set('scope', `repository:${repo}:pull,push,delete`);
    const res = await request(url, { headers: { authorization: 'Basic ' + Buffer.from(`${reg.token.username}:${reg.token.password}`).toString('base64') } });
    const body = (await res.body.json()) as { token?: string };
    if (res.statusCode !== 200 || typeof body.token !== 'string') throw new Error(`push token for ${repo}: ${res.statusCode}`);
    token = body.token;
    cache.set(repo, token);
  }
  return { authorization: `Bearer ${token}` };
}

/** One regular file in a POSIX ustar archive, with fixed owner, mode and mtime 0 (reproducible). */
function ustar(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string): void => void header.write(value, offset, length, 'ascii');
  const octal = (offset: number, length: number, value: number): void => field(offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, data.length);
  octal(136, 12, 0);
  field(148, 8, '        '); // checksum is computed with this field as spaces
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const b of header) sum += b;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}
