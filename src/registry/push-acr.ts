// Azure Container Registry's tag API (ACR REST reference, "Tag - Get List":
// GET /acr/v1/{name}/_tags with `orderby=timedesc`, `n`, `last`). A page is `{ registry, imageName,
// tags: [{ name, digest, createdTime, lastUpdateTime, … }] }`, the next page in `Link: <…>; rel="next"`.
// `lastUpdateTime` is when the tag was last pushed (re-pointed). Reads need the `metadata_read`
// action, which ACR's 401 challenge asks for; the registry client's token flow answers it.
import { nextPage } from './pagination.ts';
import { arrayField, compact, entry, isObject, timeField } from './push-json.ts';
import type { PushApi } from './push-types.ts';

const NAME = 'ACR tags API';
export const ACR_PAGE_SIZE = 100;

export const acrApi: PushApi = {
  name: NAME,
  first(base, repository) {
    const url = new URL(`acr/v1/${repository}/_tags`, `${base.href.replace(/\/+$/, '')}/`);
    url.searchParams.set('orderby', 'timedesc');
    url.searchParams.set('n', String(ACR_PAGE_SIZE));
    return url;
  },
  parse(body, page) {
    const tags = arrayField(body, 'tags', NAME);
    const entries = compact(tags.map((t) => (isObject(t) ? entry(t.name, timeField(t.lastUpdateTime) ?? timeField(t.createdTime), t.digest) : undefined)));
    const next = nextPage(page.url, page.headers.link);
    return next.kind === 'next' ? { entries, next: next.url } : { entries };
  },
};
