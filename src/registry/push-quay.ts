// Quay's tag API (Red Hat Quay API reference, listRepoTags: GET /api/v1/repository/{repository}/tag/,
// `limit` at most 100, `page` from 1, `onlyActiveTags`). A page is `{ tags: [{ name, start_ts,
// manifest_digest, last_modified, … }], page, has_additional }`; `start_ts` (Unix seconds) is when the
// tag began pointing at its manifest, i.e. its last push.
import { arrayField, compact, entry, isObject, timeField } from './push-json.ts';
import { PushShapeError, type PushApi } from './push-types.ts';

const NAME = 'Quay tag API';
export const QUAY_PAGE_SIZE = 100;

export const quayApi: PushApi = {
  name: NAME,
  first(base, repository) {
    if (!repository.includes('/')) throw new PushShapeError(`${NAME}: "${repository}" is not namespace/name`);
    const url = new URL(`api/v1/repository/${repository}/tag/`, `${base.href.replace(/\/+$/, '')}/`);
    for (const [k, v] of [['limit', String(QUAY_PAGE_SIZE)], ['page', '1'], ['onlyActiveTags', 'true']]) url.searchParams.set(k!, v!);
    return url;
  },
  parse(body, page) {
    const tags = arrayField(body, 'tags', NAME);
    const seconds = (v: unknown): string | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? timeField(v * 1000) : undefined);
    const entries = compact(tags.map((t) => (isObject(t) ? entry(t.name, seconds(t.start_ts), t.manifest_digest) : undefined)));
    if (!isObject(body) || body.has_additional !== true) return { entries };
    const current = Number(page.url.searchParams.get('page') ?? '1');
    const next = new URL(page.url);
    next.searchParams.set('page', String(current + 1));
    return { entries, next };
  },
};
