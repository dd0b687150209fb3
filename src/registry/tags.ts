// The tags-list walk (distribution-spec "Listing Tags"): every page, following `Link: rel="next"`
// within the registry's origin, up to `maxPages`. No `n` is sent: every registry accepts its own
// default page size, while ECR rejects n > 1000 and Quay briefly failed on n > 100.
// Tag order is the registry's (GHCR is oldest first, Distribution 2.8 unsorted): callers sort.
//
// The work one listing may cost is bounded across all its pages, not per page: at most `maxTags`
// distinct tags and `maxBytes` bytes of bodies. Each page is read incrementally as it arrives
// (tag-scanner.ts), keeping only the tags, and the read yields to the event loop as it goes, so a
// hostile registry can neither raise memory past those bounds nor hold the event loop (health checks
// keep answering). A listing cut by a bound is returned as incomplete, like one cut at `maxPages`.
import type { Logger } from '../shared/log.ts';
import type { TagListing } from './types.ts';
import { registryError } from './errors.ts';
import { replyError } from './status.ts';
import { nextPage } from './pagination.ts';
import type { Call } from './reader.ts';
import { TagPageError, TagPageScanner } from './tag-scanner.ts';

export interface ListTagsInput {
  readonly host: string;
  readonly repository: string;
  readonly first: URL;
  readonly maxPages: number;
  /** Most distinct tags kept from the whole listing. */
  readonly maxTags: number;
  /** Most body bytes read for the whole listing. */
  readonly maxBytes: number;
  readonly call: Call;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
}

interface Walk {
  readonly seen: Set<string>;
  bytes: number;
  pages: number;
  scanner?: TagPageScanner;
}

export async function listAllTags(input: ListTagsInput): Promise<TagListing> {
  const { host, repository, logger } = input;
  const walk: Walk = { seen: new Set(), bytes: 0, pages: 0 };
  const visited = new Set<string>();
  const cap = (what: string, extra: Record<string, number>) => registryError('REG_TOO_LARGE', `tags list is longer than ${what} (all pages together)`, { host, repository, extra });
  const tooManyTags = cap(`${input.maxTags} tags (maxTags)`, { maxTags: input.maxTags });
  const tooManyBytes = cap(`${input.maxBytes} bytes (maxTagListBytes)`, { limitBytes: input.maxBytes });
  const protocol = (err: TagPageError) => registryError('REG_PROTOCOL', err.message, { host, repository, extra: { page: walk.pages + 1 } });

  /** A fresh reader per attempt at a 200 page; tags go straight into the listing's set. */
  const stream = (status: number): ((chunk: Buffer) => void) | undefined => {
    if (status !== 200) return undefined;
    const scanner = new TagPageScanner((tag) => {
      if (walk.seen.size >= input.maxTags && !walk.seen.has(tag)) throw tooManyTags;
      walk.seen.add(tag);
    });
    walk.scanner = scanner;
    return (chunk) => {
      walk.bytes += chunk.length;
      if (walk.bytes > input.maxBytes) throw tooManyBytes;
      try {
        scanner.write(chunk);
      } catch (err) {
        throw err instanceof TagPageError ? protocol(err) : err;
      }
    };
  };

  let url = input.first;
  for (;;) {
    visited.add(url.href);
    let link: string | string[] | undefined;
    try {
      const reply = await input.call({ method: 'GET', url, repository, headers: { accept: 'application/json' }, maxBytes: Number.MAX_SAFE_INTEGER, stream, ...(input.signal ? { signal: input.signal } : {}) });
      if (reply.status !== 200) throw replyError(reply, { host, repository, request: `GET ${url.pathname}` });
      walk.scanner?.end();
      link = reply.headers.link;
    } catch (err) {
      if (err instanceof TagPageError) throw protocol(err);
      if ((err === tooManyTags || err === tooManyBytes) && walk.seen.size > 0) {
        logger.warn({ repository, pages: walk.pages + 1, tags: walk.seen.size, bytes: walk.bytes, limit: err === tooManyTags ? 'maxTags' : 'maxTagListBytes' }, 'tags list cap reached, listing is incomplete');
        return { tags: [...walk.seen], pages: walk.pages + 1, complete: false };
      }
      throw err;
    }
    walk.pages += 1;
    const next = nextPage(url, link);
    if (next.kind === 'none') return { tags: [...walk.seen], pages: walk.pages, complete: true };
    const stop = next.kind === 'refused' ? { target: next.target, reason: next.reason } : walk.pages >= input.maxPages ? { maxPages: input.maxPages } : undefined;
    if (stop) {
      logger.warn({ repository, pages: walk.pages, ...stop }, next.kind === 'refused' ? 'tags list next link refused, listing is incomplete' : 'tags list page cap reached, listing is incomplete');
      return { tags: [...walk.seen], pages: walk.pages, complete: false };
    }
    if (next.kind !== 'next' || visited.has(next.url.href)) throw registryError('REG_PROTOCOL', 'tags list next link loops back to a page already read', { host, repository, extra: { page: walk.pages } });
    url = next.url;
  }
}
