// Reads a push-time API page by page: one request per page, following the API's own next page only
// within the API's origin, at most `maxPages` pages, `maxTags` tags and `maxBytes` bytes per page (a
// JSON body is parsed whole, so the page bound is what bounds memory). A listing cut by a bound is
// returned incomplete, like a tags list. The result doubles as the repository's tag listing.
import type { Logger } from '../shared/log.ts';
import type { TagListing } from './types.ts';
import type { HttpReply } from './transport.ts';
import { registryError } from './errors.ts';
import { replyError } from './status.ts';
import { PushShapeError, type PushApi, type TagPush } from './push-types.ts';

export interface PushWalkInput {
  readonly host: string;
  readonly repository: string;
  readonly api: PushApi;
  readonly base: URL;
  readonly maxPages: number;
  readonly maxTags: number;
  readonly logger: Logger;
  /** GET one page (budget, pacing, retries and the API's authorization are the sender's). */
  readonly get: (url: URL) => Promise<HttpReply>;
}

function parseBody(reply: HttpReply, input: PushWalkInput, url: URL): unknown {
  try {
    return JSON.parse(reply.body.toString('utf8'));
  } catch {
    throw registryError('REG_PROTOCOL', `${input.api.name} answered a page that is not JSON`, { host: input.host, repository: input.repository, request: `GET ${url.pathname}` });
  }
}

export async function walkPushTimes(input: PushWalkInput): Promise<TagListing & { readonly pushed: ReadonlyMap<string, TagPush> }> {
  const { host, repository, api, logger } = input;
  const ctx = { host, repository };
  const shape = (err: unknown, request: string) => (err instanceof PushShapeError ? registryError('REG_PROTOCOL', err.message, { ...ctx, request }) : err);
  const pushed = new Map<string, TagPush>();
  const visited = new Set<string>();
  let url: URL;
  try {
    url = api.first(input.base, repository, host);
  } catch (err) {
    throw err instanceof PushShapeError ? registryError('REG_INVALID_REFERENCE', err.message, ctx) : err;
  }
  const done = (pages: number, complete: boolean) => ({ tags: [...pushed.keys()], pages, complete, pushed });
  for (let pages = 1; ; pages += 1) {
    visited.add(url.href);
    const request = `GET ${url.pathname}`;
    const reply = await input.get(url);
    if (reply.status !== 200) throw replyError(reply, { ...ctx, request });
    let page;
    try {
      page = api.parse(parseBody(reply, input, url), { url, headers: reply.headers, repository, host });
    } catch (err) {
      throw shape(err, request);
    }
    for (const e of page.entries) {
      const seen = pushed.get(e.tag);
      if (seen === undefined && pushed.size >= input.maxTags) {
        logger.warn({ repository, pages, tags: pushed.size, limit: 'maxTags' }, 'push-time listing cap reached, listing is incomplete');
        return done(pages, false);
      }
      // a tag listed twice (an API paging under concurrent pushes) keeps its latest push
      if (seen === undefined || seen.pushedAt < e.pushedAt) pushed.set(e.tag, e);
    }
    if (page.next === undefined) return done(pages, true);
    if (page.next.origin !== input.base.origin) {
      logger.warn({ repository, pages, target: page.next.origin }, 'push-time listing next page points at another origin, listing is incomplete');
      return done(pages, false);
    }
    if (visited.has(page.next.href)) throw registryError('REG_PROTOCOL', `${api.name}: the next page loops back to a page already read`, { ...ctx, extra: { page: pages } });
    if (pages >= input.maxPages) {
      logger.warn({ repository, pages, maxPages: input.maxPages }, 'push-time listing page cap reached, listing is incomplete');
      return done(pages, false);
    }
    url = page.next;
  }
}
