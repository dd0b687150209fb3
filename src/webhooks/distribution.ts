// CNCF Distribution (docker-registry) notifications
// (https://distribution.github.io/distribution/about/notifications/): the registry POSTs
// `{"events":[…]}` with Content-Type application/vnd.docker.distribution.events.v1+json and the
// headers configured on the endpoint. We ask operators to configure
// `Authorization: [Bearer <secret>]` (docs/generator.md). Manifest pushes carry `target.tag` when
// pushed by tag; a multi-arch push first sends untagged child manifests, which are skipped. A push
// also names the manifest's `target.digest`; kept when it is a digest (registry/digest.ts).
import type { ParseOutcome, PushEvent, WebhookFormat } from './types.ts';
import { header, sameSecret } from './verify.ts';
import { isDigest } from '../registry/digest.ts';

interface DistributionEvent {
  action?: unknown;
  target?: { repository?: unknown; tag?: unknown; digest?: unknown };
  request?: { host?: unknown };
}

export const distributionFormat: WebhookFormat = {
  verify(request, secret) {
    const auth = header(request.headers, 'authorization');
    return sameSecret(auth?.replace(/^Bearer\s+/i, ''), secret);
  },
  parse(payload): ParseOutcome {
    const events = (payload as { events?: unknown } | null)?.events;
    if (!Array.isArray(events)) return { ok: false, reason: 'body has no "events" list (expected a Distribution notification envelope)' };
    const out: PushEvent[] = [];
    for (const e of events as DistributionEvent[]) {
      const action = e?.action;
      const repository = e?.target?.repository;
      const tag = e?.target?.tag;
      const host = e?.request?.host;
      const digest = e?.target?.digest;
      if ((action !== 'push' && action !== 'delete') || typeof repository !== 'string' || typeof host !== 'string') continue;
      if (action === 'push' && typeof tag !== 'string') continue;
      out.push({ host, repository, action, ...(typeof tag === 'string' && { tag }), ...(action === 'push' && typeof digest === 'string' && isDigest(digest) && { digest }) });
    }
    return { ok: true, events: out };
  },
};
