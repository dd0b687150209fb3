// The tags-list walk (distribution-spec "Listing Tags"): every page, following `Link: rel="next"`
// within the registry's origin, up to `maxPages`. No `n` is sent: every registry accepts its own
// default page size, while ECR rejects n > 1000 and Quay briefly failed on n > 100 (anchors.md §d).
// Tag order is the registry's (GHCR is oldest first, Distribution 2.8 unsorted): callers sort.
import type { Logger } from '../shared/log.ts';
import type { TagListing } from './types.ts';
import { registryError } from './errors.ts';
import { replyError } from './status.ts';
import { nextPage } from './pagination.ts';
import type { Call } from './reader.ts';

export interface ListTagsInput {
  readonly host: string;
  readonly repository: string;
  readonly first: URL;
  readonly maxPages: number;
  readonly maxBytes: number;
  readonly call: Call;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
}

/** `{"name": …, "tags": [...] | null}` → the tags (null after the last tag was deleted → []). */
function pageTags(body: Buffer): string[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const tags = (json as { tags?: unknown }).tags;
  if (tags === null) return [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) return undefined;
  return tags as string[];
}

export async function listAllTags(input: ListTagsInput): Promise<TagListing> {
  const { host, repository, logger } = input;
  const seen = new Set<string>();
  const visited = new Set<string>();
  let url = input.first;
  let pages = 0;
  for (;;) {
    visited.add(url.href);
    const reply = await input.call({ method: 'GET', url, repository, headers: { accept: 'application/json' }, maxBytes: input.maxBytes, ...(input.signal ? { signal: input.signal } : {}) });
    if (reply.status !== 200) throw replyError(reply, { host, repository, request: `GET ${url.pathname}` });
    pages += 1;
    const tags = pageTags(reply.body);
    if (tags === undefined) throw registryError('REG_PROTOCOL', 'tags list is not {"tags": [strings]} JSON', { host, repository, extra: { page: pages } });
    for (const t of tags) seen.add(t);
    const next = nextPage(url, reply.headers.link);
    if (next.kind === 'none') return { tags: [...seen], pages, complete: true };
    if (next.kind === 'refused') {
      logger.warn({ repository, pages, target: next.target, reason: next.reason }, 'tags list next link refused, listing is incomplete');
      return { tags: [...seen], pages, complete: false };
    }
    if (pages >= input.maxPages) {
      logger.warn({ repository, pages, maxPages: input.maxPages }, 'tags list page cap reached, listing is incomplete');
      return { tags: [...seen], pages, complete: false };
    }
    if (visited.has(next.url.href)) throw registryError('REG_PROTOCOL', 'tags list next link loops back to a page already read', { host, repository, extra: { page: pages } });
    url = next.url;
  }
}
