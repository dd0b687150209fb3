// Azure Container Registry webhooks
// (https://learn.microsoft.com/azure/container-registry/container-registry-webhook-reference): one
// event per POST, `{ action, target: { repository, tag, digest, … }, request: { host, … } }`, with
// only the custom headers configured on the webhook. Configure `Authorization: Bearer <secret>`
// (`az acr webhook create --headers "Authorization=Bearer <secret>"`). `ping` (the portal's test) and
// chart or quarantine actions are accepted and ignored, as is a push by digest (no tag).
import { checkedEvent } from './event.ts';
import type { ParseOutcome, WebhookFormat } from './types.ts';
import { header, sameSecret } from './verify.ts';

interface AcrEvent {
  action?: unknown;
  target?: { repository?: unknown; tag?: unknown };
  request?: { host?: unknown };
}

export const acrFormat: WebhookFormat = {
  verify(request, secret) {
    const auth = header(request.headers, 'authorization');
    return sameSecret(auth?.replace(/^Bearer\s+/i, ''), secret);
  },
  parse(payload): ParseOutcome {
    const e = payload as AcrEvent | null;
    if (typeof e?.action !== 'string') return { ok: false, reason: 'body has no "action" (expected an Azure Container Registry webhook event)' };
    if (e.action !== 'push' && e.action !== 'delete') return { ok: true, events: [] };
    const { repository, tag } = e.target ?? {};
    const host = e.request?.host;
    if (typeof repository !== 'string' || typeof host !== 'string') return { ok: false, reason: `${e.action} event without target.repository and request.host` };
    if (tag !== undefined && typeof tag !== 'string') return { ok: false, reason: 'target.tag is not a string' };
    if (e.action === 'push' && !tag) return { ok: true, events: [] };
    const checked = checkedEvent(host, repository, tag || undefined, e.action);
    return checked.ok ? { ok: true, events: [checked.event] } : checked;
  },
};
