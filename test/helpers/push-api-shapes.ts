// The response shapes of the registries' push-time APIs, page by page, as their vendors publish them
// (pure; push-api-peer.ts serves them on loopback). Each function cites the document it follows.
// A page is computed from the whole tag set of one repository, ordered the way the vendor orders it.

export interface PeerTag {
  readonly tag: string;
  readonly digest: string;
  /** ISO 8601 */
  readonly pushedAt: string;
}

export interface PeerPage {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

const json = (body: unknown, headers: Record<string, string> = {}): PeerPage => ({ status: 200, headers: { 'content-type': 'application/json', ...headers }, body });
const newestFirst = (tags: readonly PeerTag[]): PeerTag[] => [...tags].sort((a, b) => b.pushedAt.localeCompare(a.pushedAt) || (a.tag < b.tag ? -1 : 1));
const bounded = (text: string | null, fallback: number, max: number): number => Math.min(max, Math.max(1, Number(text ?? fallback) || fallback));

/** Docker Hub API reference, "List repository tags" (schema paginated_tags): page_size ≤ 100, `next` absolute. */
export function dockerHubPage(origin: string, path: string, query: URLSearchParams, tags: readonly PeerTag[]): PeerPage {
  const size = bounded(query.get('page_size'), 10, 100);
  const page = bounded(query.get('page'), 1, Number.MAX_SAFE_INTEGER);
  const all = newestFirst(tags);
  const slice = all.slice((page - 1) * size, page * size);
  const link = (p: number): string => `${origin}${path}?page=${p}&page_size=${size}`;
  const results = slice.map((t) => ({ name: t.tag, digest: t.digest, last_updated: t.pushedAt, tag_last_pushed: t.pushedAt, tag_last_pulled: null, tag_status: 'active', images: [] }));
  return json({ count: all.length, next: page * size < all.length ? link(page + 1) : null, previous: page > 1 ? link(page - 1) : null, results });
}

/** Harbor v2.0 swagger, listArtifacts: page_size ≤ 100, `Link` rel="next" and `X-Total-Count` headers. */
export function harborPage(path: string, query: URLSearchParams, tags: readonly PeerTag[]): PeerPage {
  const size = bounded(query.get('page_size'), 10, 100);
  const page = bounded(query.get('page'), 1, Number.MAX_SAFE_INTEGER);
  const byDigest = new Map<string, PeerTag[]>();
  for (const t of newestFirst(tags)) byDigest.set(t.digest, [...(byDigest.get(t.digest) ?? []), t]);
  const artifacts = [...byDigest].map(([digest, ts]) => ({ digest, type: 'IMAGE', push_time: ts.map((t) => t.pushedAt).sort()[0], tags: ts.map((t) => ({ name: t.tag, push_time: t.pushedAt, immutable: false })) }));
  const headers: Record<string, string> = { 'x-total-count': String(artifacts.length) };
  if (page * size < artifacts.length) headers.link = `<${path}?page=${page + 1}&page_size=${size}&with_tag=true>; rel="next"`;
  return json(artifacts.slice((page - 1) * size, page * size), headers);
}

/** Red Hat Quay API reference, listRepoTags: limit ≤ 100, `page`, `has_additional`; start_ts in Unix seconds. */
export function quayPage(query: URLSearchParams, tags: readonly PeerTag[]): PeerPage {
  const limit = bounded(query.get('limit'), 50, 100);
  const page = bounded(query.get('page'), 1, Number.MAX_SAFE_INTEGER);
  const all = newestFirst(tags);
  const slice = all.slice((page - 1) * limit, page * limit).map((t) => ({ name: t.tag, reversion: false, start_ts: Math.floor(Date.parse(t.pushedAt) / 1000), manifest_digest: t.digest, is_manifest_list: false, size: 1024, last_modified: new Date(t.pushedAt).toUTCString() }));
  return json({ tags: slice, page, has_additional: page * limit < all.length });
}

/** ACR REST reference, "Tag - Get List": orderby=timedesc, `n` (≤ 100 here), `last`, `Link` rel="next". */
export function acrPage(repository: string, query: URLSearchParams, tags: readonly PeerTag[]): PeerPage {
  const n = bounded(query.get('n'), 100, 100);
  const all = query.get('orderby') === 'timedesc' ? newestFirst(tags) : [...tags].sort((a, b) => (a.tag < b.tag ? -1 : 1));
  const last = query.get('last');
  const from = last === null ? 0 : all.findIndex((t) => t.tag === last) + 1;
  const slice = all.slice(from, from + n);
  const headers: Record<string, string> = {};
  if (from + n < all.length) headers.link = `</acr/v1/${repository}/_tags?last=${encodeURIComponent(slice.at(-1)!.tag)}&n=${n}&orderby=${query.get('orderby') ?? ''}>; rel="next"`;
  const entries = slice.map((t) => ({ name: t.tag, digest: t.digest, createdTime: t.pushedAt, lastUpdateTime: t.pushedAt, signed: false, changeableAttributes: { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true } }));
  return json({ registry: 'peer.azurecr.io', imageName: repository, tags: entries }, headers);
}

/**
 * Artifact Registry REST reference, projects.locations.repositories.dockerImages.list: every image of
 * the repository (`images`: image path → tags), `pageSize`, opaque `pageToken` / `nextPageToken`.
 */
export function garPage(parent: string, query: URLSearchParams, images: ReadonlyMap<string, readonly PeerTag[]>): PeerPage {
  const size = bounded(query.get('pageSize'), 100, 1000);
  const from = query.has('pageToken') ? Number(Buffer.from(query.get('pageToken')!, 'base64url').toString('utf8')) : 0;
  const all: Array<Record<string, unknown>> = [];
  for (const [image, tags] of images) {
    const byDigest = new Map<string, PeerTag[]>();
    for (const t of tags) byDigest.set(t.digest, [...(byDigest.get(t.digest) ?? []), t]);
    for (const [digest, ts] of byDigest) {
      const upload = ts.map((t) => t.pushedAt).sort().at(-1)!;
      all.push({ name: `${parent}/dockerImages/${encodeURIComponent(image)}@${digest}`, uri: `peer-docker.pkg.dev/${image}@${digest}`, tags: ts.map((t) => t.tag), imageSizeBytes: '1024', uploadTime: upload, mediaType: 'application/vnd.oci.image.manifest.v1+json', updateTime: upload });
    }
  }
  const slice = all.slice(from, from + size);
  const next = from + size < all.length ? { nextPageToken: Buffer.from(String(from + size)).toString('base64url') } : {};
  return json({ dockerImages: slice, ...next });
}
