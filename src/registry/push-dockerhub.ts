// Docker Hub's tags API (Docker Hub API reference, "List repository tags":
// GET https://hub.docker.com/v2/namespaces/{namespace}/repositories/{repository}/tags, `page_size` at
// most 100). A page is `{ count, next, previous, results: [{ name, digest, tag_last_pushed,
// last_updated, … }] }`; `next` is the absolute URL of the following page or null.
import { arrayField, compact, entry, isObject, timeField } from './push-json.ts';
import { PushShapeError, type PushApi } from './push-types.ts';

const NAME = 'Docker Hub tags API';
export const DOCKER_HUB_PAGE_SIZE = 100;

export const dockerHubApi: PushApi = {
  name: NAME,
  first(base, repository) {
    const parts = repository.split('/');
    if (parts.length !== 2) throw new PushShapeError(`${NAME}: "${repository}" is not namespace/name`);
    const url = new URL(`v2/namespaces/${parts[0]}/repositories/${parts[1]}/tags`, `${base.href.replace(/\/+$/, '')}/`);
    url.searchParams.set('page_size', String(DOCKER_HUB_PAGE_SIZE));
    return url;
  },
  parse(body, page) {
    const results = arrayField(body, 'results', NAME);
    // tag_last_pushed is when this tag last received a push; last_updated also moves on metadata changes
    const entries = compact(results.map((r) => (isObject(r) ? entry(r.name, timeField(r.tag_last_pushed) ?? timeField(r.last_updated), r.digest) : undefined)));
    const next = isObject(body) ? body.next : undefined;
    if (next === undefined || next === null) return { entries };
    if (typeof next !== 'string') throw new PushShapeError(`${NAME}: "next" is not a URL`);
    try {
      return { entries, next: new URL(next, page.url) };
    } catch {
      throw new PushShapeError(`${NAME}: "next" is not a URL`);
    }
  },
};
