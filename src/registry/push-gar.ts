// Artifact Registry's docker images API (REST reference, projects.locations.repositories.dockerImages
// .list: GET https://artifactregistry.googleapis.com/v1/projects/{p}/locations/{l}/repositories/{r}/dockerImages,
// `pageSize`, `pageToken`). A page is `{ dockerImages: [{ name, uri, tags, uploadTime, … }],
// nextPageToken }`. The list covers every image of the Artifact Registry repository; entries of other
// images are skipped by `name` (`…/dockerImages/<image, URL-encoded>@sha256:…`).
import { hostRegion } from '../config/registry-kind.ts';
import { arrayField, compact, entry, isObject, timeField } from './push-json.ts';
import { PushShapeError, type PushApi, type TagPush } from './push-types.ts';

const NAME = 'Artifact Registry dockerImages API';
export const GAR_PAGE_SIZE = 500;

/** `projects/p/locations/l/repositories/r/dockerImages/a%2Fb@sha256:…` → image `a/b` and its digest. */
function imageOf(name: unknown): { image: string; digest: string } | undefined {
  if (typeof name !== 'string' || name.length > 2048) return undefined;
  const m = /\/dockerImages\/([^@/]+)@(sha256:[a-f0-9]{64})$/.exec(name);
  if (!m) return undefined;
  try {
    return { image: decodeURIComponent(m[1]!), digest: m[2]! };
  } catch {
    return undefined;
  }
}

function entriesOf(item: unknown, image: string): Array<TagPush | undefined> {
  if (!isObject(item)) return [];
  const named = imageOf(item.name);
  if (named?.image !== image || !Array.isArray(item.tags)) return [];
  const pushed = timeField(item.uploadTime);
  return item.tags.map((tag) => entry(tag, pushed, named.digest));
}

export const garApi: PushApi = {
  name: NAME,
  first(base, repository, host) {
    const parts = repository.split('/');
    const location = hostRegion(host);
    if (location === undefined) throw new PushShapeError(`${NAME}: "${host}" is not <location>-docker.pkg.dev`);
    if (parts.length < 3) throw new PushShapeError(`${NAME}: "${repository}" is not project/repository/image`);
    const url = new URL(`v1/projects/${parts[0]}/locations/${location}/repositories/${parts[1]}/dockerImages`, `${base.href.replace(/\/+$/, '')}/`);
    url.searchParams.set('pageSize', String(GAR_PAGE_SIZE));
    return url;
  },
  parse(body, page) {
    const image = page.repository.split('/').slice(2).join('/');
    const entries = compact(arrayField(body, 'dockerImages', NAME).flatMap((item) => entriesOf(item, image)));
    const token = isObject(body) ? body.nextPageToken : undefined;
    if (typeof token !== 'string' || token === '') return { entries };
    if (token.length > 4096) throw new PushShapeError(`${NAME}: "nextPageToken" is longer than 4096 characters`);
    const next = new URL(page.url);
    next.searchParams.set('pageToken', token);
    return { entries, next };
  },
};
