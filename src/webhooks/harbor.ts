// Harbor webhooks (https://goharbor.io/docs/main/working-with-projects/project-configuration/configure-webhooks/):
// the policy's "Auth Header" is sent verbatim as the Authorization header; configure it to the
// shared secret (or `Bearer <secret>`). Push events: `type` PUSH_ARTIFACT (v2) with
// `event_data.resources[].resource_url` = `<harbor host>/<project>/<repo>:<tag>`.
import type { ParseOutcome, PushEvent, WebhookFormat } from './types.ts';
import { header, sameSecret } from './verify.ts';

interface HarborBody {
  type?: unknown;
  event_data?: { resources?: { tag?: unknown; resource_url?: unknown }[]; repository?: { repo_full_name?: unknown } };
}

const PUSH_TYPES = new Set(['PUSH_ARTIFACT', 'pushImage']);

export const harborFormat: WebhookFormat = {
  verify(request, secret) {
    const auth = header(request.headers, 'authorization');
    return sameSecret(auth?.replace(/^Bearer\s+/i, ''), secret);
  },
  parse(payload): ParseOutcome {
    const body = payload as HarborBody | null;
    if (typeof body?.type !== 'string') return { ok: false, reason: 'body has no "type" (expected a Harbor webhook)' };
    if (!PUSH_TYPES.has(body.type)) return { ok: true, events: [] };
    const full = body.event_data?.repository?.repo_full_name;
    const events: PushEvent[] = [];
    for (const r of body.event_data?.resources ?? []) {
      if (typeof r.resource_url !== 'string' || typeof full !== 'string') continue;
      const host = r.resource_url.split('/')[0]!;
      events.push({ host, repository: full, action: 'push', ...(typeof r.tag === 'string' && { tag: r.tag }) });
    }
    if (events.length === 0) return { ok: false, reason: 'push event without event_data.resources[].resource_url and repository.repo_full_name' };
    return { ok: true, events };
  },
};
