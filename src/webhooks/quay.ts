// Quay repository notifications, event "Push to Repository", method Webhook POST
// (https://docs.redhat.com/en/documentation/red_hat_quay/3.3/html/use_red_hat_quay/repository_notifications): `{ docker_url:
// "<quay host>/<namespace>/<repository>", updated_tags: [...] }` (older Quay sent updated_tags as a
// tag → image id map). Quay can neither sign nor add headers, so the secret travels in the URL:
// `…/api/v1/webhooks/quay?secret=<secret>`. Other notifications (builds, vulnerabilities) carry
// no updated_tags and are accepted and ignored.
import { eventFromReference } from './event.ts';
import type { ParseOutcome, PushEvent, WebhookFormat } from './types.ts';
import { sameSecret } from './verify.ts';

interface QuayNotification {
  docker_url?: unknown;
  updated_tags?: unknown;
}

function tagsOf(updated: unknown): string[] | undefined {
  if (Array.isArray(updated)) return updated.every((t) => typeof t === 'string') ? (updated as string[]) : undefined;
  if (updated !== null && typeof updated === 'object') return Object.keys(updated);
  return undefined;
}

export const quayFormat: WebhookFormat = {
  verify: (request, secret) => sameSecret(request.query.secret, secret),
  parse(payload): ParseOutcome {
    const n = payload as QuayNotification | null;
    if (typeof n?.docker_url !== 'string') return { ok: false, reason: 'body has no docker_url (expected a Quay repository notification)' };
    if (n.updated_tags === undefined) return { ok: true, events: [] };
    const tags = tagsOf(n.updated_tags);
    if (!tags) return { ok: false, reason: 'updated_tags is neither a list of tags nor a map keyed by tag' };
    const events: PushEvent[] = [];
    for (const tag of tags.length > 0 ? tags : [undefined]) {
      const checked = eventFromReference(tag === undefined ? n.docker_url : `${n.docker_url}:${tag}`);
      if (!checked.ok) return checked;
      events.push(checked.event);
    }
    return { ok: true, events };
  },
};
