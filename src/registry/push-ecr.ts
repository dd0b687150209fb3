// Amazon ECR push times: DescribeImages through the AWS SDK
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html): tagged images
// only (`filter.tagStatus: TAGGED`), `maxResults` up to 1000 per page, the next page by `nextToken`.
// Each image carries its `imageTags`, `imageDigest` and `imagePushedAt` (when the image was pushed;
// a tag moved onto an image already there keeps that image's time). One request per page, each one
// taking a slot of the registry's budget and pacing like any registry request; the same SDK client
// (and credentials) as the registry login. Pages are images, not tags: the cap counts both.
import type { RegistryConfig } from '../config/types.ts';
import type { Logger } from '../shared/log.ts';
import type { RequestBudget } from './budget.ts';
import type { EcrSession } from './cloud/ecr.ts';
import { registryError } from './errors.ts';
import { compact, entry, timeField } from './push-json.ts';
import type { TagPush } from './push-types.ts';
import type { TagListing } from './types.ts';

export const ECR_PAGE_SIZE = 1000;
/** ECR's nextToken is opaque; a longer one than this is not an answer we keep sending back. */
const MAX_NEXT_TOKEN = 8192;

export interface EcrPushDeps {
  readonly config: RegistryConfig;
  readonly session: EcrSession;
  readonly budget: RequestBudget;
  readonly logger: Logger;
}

type EcrListing = TagListing & { readonly pushed: ReadonlyMap<string, TagPush> };

/** An SDK failure as a registry error: the AWS error name says what went wrong (no request data kept). */
function sdkError(err: unknown, host: string, repository: string, timedOut: boolean, timeoutMs: number) {
  const ctx = { host, repository, request: 'DescribeImages' };
  if (timedOut) return registryError('REG_TIMEOUT', `no complete reply within ${timeoutMs} ms`, { ...ctx, extra: { timeoutMs } });
  const name = err instanceof Error ? err.name : 'Error';
  const why = `DescribeImages failed: ${name}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
  if (name === 'RepositoryNotFoundException') return registryError('REG_NOT_FOUND', why, ctx);
  if (/AccessDenied|UnrecognizedClient|InvalidSignature|ExpiredToken|CredentialsProviderError/.test(name)) return registryError('REG_AUTH', why, { ...ctx, extra: { provider: 'ecr' } });
  if (/Throttling|TooManyRequests|LimitExceeded/.test(name)) return registryError('REG_RATE_LIMITED', why, ctx);
  return registryError('REG_UNAVAILABLE', why, ctx);
}

export function createEcrPushLister(deps: EcrPushDeps): (repository: string, signal?: AbortSignal) => Promise<EcrListing> {
  const { config, logger } = deps;
  const host = config.host;
  async function page(repository: string, nextToken: string | undefined, signal: AbortSignal | undefined) {
    const taken = await deps.budget.take(signal);
    if (!taken.ok) throw registryError('REG_BUDGET_EXHAUSTED', 'not sent: the request budget for this poll cycle (or a rateLimit window) has nothing to spare now', { host, repository, request: 'DescribeImages', extra: { budgetLeft: deps.budget.left() } });
    await deps.budget.pace(signal);
    const sdk = await deps.session.ready();
    // the config refuses newestPush on ECR Public, so only private sessions get here
    if (!sdk.describeImages) throw new Error('DescribeImages needs a private ECR registry');
    const deadline = AbortSignal.timeout(config.timeoutMs);
    try {
      return await sdk.describeImages({ repository, maxResults: ECR_PAGE_SIZE, ...(nextToken !== undefined && { nextToken }) }, signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw sdkError(err, host, repository, deadline.aborted, config.timeoutMs);
    }
  }
  return async (repository, signal) => {
    const pushed = new Map<string, TagPush>();
    const seenTokens = new Set<string>();
    const done = (pages: number, complete: boolean): EcrListing => ({ tags: [...pushed.keys()], pages, complete, pushed });
    let nextToken: string | undefined;
    for (let pages = 1; ; pages += 1) {
      const reply = await page(repository, nextToken, signal);
      const entries = compact(reply.images.flatMap((image) => image.tags.map((tag) => entry(tag, timeField(image.pushedAt?.getTime()), image.digest))));
      for (const e of entries) {
        const seen = pushed.get(e.tag);
        if (seen === undefined && pushed.size >= config.maxTags) {
          logger.warn({ repository, pages, tags: pushed.size, limit: 'maxTags' }, 'push-time listing cap reached, listing is incomplete');
          return done(pages, false);
        }
        if (seen === undefined || seen.pushedAt < e.pushedAt) pushed.set(e.tag, e);
      }
      nextToken = reply.nextToken || undefined;
      if (nextToken === undefined) return done(pages, true);
      if (nextToken.length > MAX_NEXT_TOKEN) throw registryError('REG_PROTOCOL', `DescribeImages: nextToken is longer than ${MAX_NEXT_TOKEN} characters`, { host, repository });
      if (seenTokens.has(nextToken)) throw registryError('REG_PROTOCOL', 'DescribeImages: the next page loops back to a page already read', { host, repository, extra: { page: pages } });
      seenTokens.add(nextToken);
      if (pages >= config.maxPages) {
        logger.warn({ repository, pages, maxPages: config.maxPages }, 'push-time listing page cap reached, listing is incomplete');
        return done(pages, false);
      }
    }
  };
}
