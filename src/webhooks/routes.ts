// POST /api/v1/webhooks/<source> (WEBHOOK_SOURCES): verified registry push events, each
// triggering an immediate re-scan of the repositories it names (and only those). The answer is
// 202 as soon as the event is verified and matched; the re-scan runs behind it, and its duration
// from arrival is recorded as push-to-resolved latency. Senders retry on non-2xx, so an event
// for an image nobody watches is still a 202 (with `ignored`), not an error.
import type { WebhookErrorCode } from './errors.ts';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/types.ts';
import type { PollerHandle } from '../poller/types.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError, describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { readSecret } from '../shared/secrets.ts';
import type { ServiceMetrics } from '../metrics/metrics.ts';
import { acrFormat } from './acr.ts';
import { distributionFormat } from './distribution.ts';
import { dockerHubFormat } from './dockerhub.ts';
import { ecrFormat } from './ecr.ts';
import { garFormat } from './gar.ts';
import { ghcrFormat } from './ghcr.ts';
import { harborFormat } from './harbor.ts';
import { matchWatchedImages } from './match.ts';
import { quayFormat } from './quay.ts';
import { createRescanner } from './rescan.ts';
import { WEBHOOK_SOURCES, type PushEvent, type WebhookFormat, type WebhookRequest, type WebhookSource } from './types.ts';

const FORMATS: Readonly<Record<WebhookSource, WebhookFormat>> = {
  distribution: distributionFormat,
  dockerhub: dockerHubFormat,
  ghcr: ghcrFormat,
  harbor: harborFormat,
  ecr: ecrFormat,
  acr: acrFormat,
  quay: quayFormat,
  gar: garFormat,
  // GitLab's container registry is a Distribution: its notifications (gitlab.rb
  // `registry['notifications']`) are Distribution notifications, under their own metrics label.
  gitlab: distributionFormat,
};

/**
 * Largest push event read (413 beyond): real events are a few KiB (a Distribution notification batches
 * a handful of events; GitHub `package` and Harbor events name one artifact). Anyone can reach this
 * route before proving the secret, so it gets a quarter of the 1 MiB other routes accept.
 */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export interface WebhookDeps {
  readonly config: () => Config | undefined;
  readonly poller: Pick<PollerHandle, 'rescan'>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics?: ServiceMetrics;
  readonly env?: NodeJS.ProcessEnv;
}

function fail(code: WebhookErrorCode, statusCode: number, message: string): AppError {
  return new AppError(code, message, { statusCode });
}

function expectedSecret(config: Config | undefined, env: NodeJS.ProcessEnv | undefined): string {
  const source = config?.server.webhooks.secret;
  if (!source) throw fail('WEBHOOK_DISABLED', 403, 'webhooks are disabled: set server.webhooks.secret (or secretFile) so push events can be verified');
  try {
    return readSecret(source, env);
  } catch (err) {
    throw fail('WEBHOOK_DISABLED', 503, `the webhook secret cannot be read: ${describeError(err)}`);
  }
}

/**
 * Per watched image, the tags the events say were pushed (their remembered digests are stale now)
 * and the manifest digest an event names for a tag, the last one sent winning.
 */
function pushedTags(config: Config | undefined, events: readonly PushEvent[]): Map<string, { tags: Set<string>; digests: Map<string, string> }> {
  const pushed = new Map<string, { tags: Set<string>; digests: Map<string, string> }>();
  for (const event of events) {
    for (const image of config ? matchWatchedImages(config, [event]) : []) {
      const named = pushed.get(image) ?? { tags: new Set<string>(), digests: new Map<string, string>() };
      if (event.tag) named.tags.add(event.tag);
      if (event.tag && event.digest) named.digests.set(event.tag, event.digest);
      pushed.set(image, named);
    }
  }
  return pushed;
}

export async function registerWebhooks(app: FastifyInstance, deps: WebhookDeps): Promise<void> {
  const log = deps.logger.child({ module: 'webhooks' });
  const rescanner = createRescanner({ poller: deps.poller, clock: deps.clock, log, metrics: deps.metrics });
  const rescan = rescanner.rescan;

  await app.register(async (scope) => {
    // Raw bytes for every content type: signatures are computed over the exact body.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post<{ Params: { source: string }; Querystring: Record<string, string | undefined> }>('/api/v1/webhooks/:source', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
      const arrivedAt = deps.clock.now();
      const source = request.params.source as WebhookSource;
      // own keys only: `__proto__`, `constructor` … are names of no source
      const format = Object.hasOwn(FORMATS, source) ? FORMATS[source] : undefined;
      if (!format) throw fail('WEBHOOK_UNKNOWN_SOURCE', 404, `unknown webhook source "${request.params.source}"; use one of ${WEBHOOK_SOURCES.join(', ')}`);
      const config = deps.config();
      const secret = expectedSecret(config, deps.env);
      const req: WebhookRequest = { headers: request.headers, query: request.query, body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0) };
      if (!format.verify(req, secret)) {
        deps.metrics?.webhookEvents.inc({ source, outcome: 'unverified' });
        throw fail('WEBHOOK_UNVERIFIED', 401, `the ${source} event does not carry the shared secret (see docs/generator.md, Webhooks)`);
      }
      let payload: unknown;
      try {
        payload = JSON.parse(req.body.toString('utf8'));
      } catch {
        throw fail('WEBHOOK_INVALID', 400, `the ${source} event body is not JSON`);
      }
      const parsed = format.parse(payload, req);
      if (!parsed.ok) throw fail('WEBHOOK_INVALID', 400, `the ${source} event is not understood: ${parsed.reason}`);
      const pushed = pushedTags(config, parsed.events);
      const images = [...pushed.keys()].sort();
      for (const image of images) rescan(source, image, pushed.get(image)!, arrivedAt);
      deps.metrics?.webhookEvents.inc({ source, outcome: images.length > 0 ? 'rescan' : 'ignored' });
      log.info({ source, events: parsed.events.length, images }, 'push event accepted');
      return reply.code(202).send({ rescanning: images, ignored: parsed.events.length > 0 && images.length === 0 ? parsed.events.length : 0 });
    });
  });

  app.addHook('onClose', () => rescanner.close());
}
