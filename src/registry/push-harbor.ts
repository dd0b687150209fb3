// Harbor's artifacts API (Harbor v2.0 swagger, operation listArtifacts:
// GET /api/v2.0/projects/{project_name}/repositories/{repository_name}/artifacts, `page`, `page_size`
// at most 100, `with_tag`). The body is a list of artifacts `{ digest, push_time, tags: [{ name,
// push_time }] }`; the next page is in `Link: <…>; rel="next"` (and `X-Total-Count` the total).
// A repository name holding `/` is URL-encoded twice, as the swagger says.
import { nextPage } from './pagination.ts';
import { compact, entry, isObject, timeField } from './push-json.ts';
import { PushShapeError, type PushApi, type TagPush } from './push-types.ts';

const NAME = 'Harbor artifacts API';
export const HARBOR_PAGE_SIZE = 100;

function tagsOf(artifact: unknown): Array<TagPush | undefined> {
  if (!isObject(artifact)) return [];
  const pushed = timeField(artifact.push_time);
  const tags = Array.isArray(artifact.tags) ? artifact.tags : [];
  // a tag's own push_time is when it was (re)pointed here; the artifact's when its bytes arrived
  return tags.map((t) => (isObject(t) ? entry(t.name, timeField(t.push_time) ?? pushed, artifact.digest) : undefined));
}

export const harborApi: PushApi = {
  name: NAME,
  first(base, repository) {
    const slash = repository.indexOf('/');
    if (slash < 0) throw new PushShapeError(`${NAME}: "${repository}" is not project/repository`);
    const project = repository.slice(0, slash);
    const name = encodeURIComponent(encodeURIComponent(repository.slice(slash + 1)));
    const url = new URL(`api/v2.0/projects/${project}/repositories/${name}/artifacts`, `${base.href.replace(/\/+$/, '')}/`);
    for (const [k, v] of [['page', '1'], ['page_size', String(HARBOR_PAGE_SIZE)], ['with_tag', 'true'], ['with_label', 'false'], ['with_scan_overview', 'false']]) url.searchParams.set(k!, v!);
    return url;
  },
  parse(body, page) {
    if (!Array.isArray(body)) throw new PushShapeError(`${NAME}: the page is not a list of artifacts`);
    const entries = compact(body.flatMap(tagsOf));
    const next = nextPage(page.url, page.headers.link);
    return next.kind === 'next' ? { entries, next: next.url } : { entries };
  },
};
