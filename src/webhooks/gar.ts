// Google Artifact Registry (and Container Registry) publish repository changes on the Pub/Sub topic
// `gcr` (https://cloud.google.com/artifact-registry/docs/configure-notifications): the message data
// is JSON `{ action: "INSERT" | "DELETE", digest: "<host>/<path>@sha256:…", tag?: "<host>/<path>:<tag>" }`.
// A push subscription POSTs `{ message: { data: <base64>, messageId, publishTime, … }, subscription }`
// (https://cloud.google.com/pubsub/docs/push), or the bare data when "payload unwrapping" is on.
// Verification: the shared secret in the push endpoint's URL (`?secret=<secret>`). Pub/Sub's
// alternative, an OIDC token, would need Google's signing keys fetched at run time, a request the
// config does not determine (docs/registry.md says more).
import { eventFromReference } from './event.ts';
import type { ParseOutcome, WebhookFormat } from './types.ts';
import { sameSecret } from './verify.ts';

interface GcrMessage {
  action?: unknown;
  digest?: unknown;
  tag?: unknown;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The `gcr` message: the decoded data of a wrapped push, or the body itself when unwrapped. */
function messageOf(payload: unknown): { ok: true; message: GcrMessage } | { ok: false; reason: string } {
  const wrapped = (payload as { message?: { data?: unknown } } | null)?.message;
  if (wrapped === undefined) return { ok: true, message: (payload ?? {}) as GcrMessage };
  const data = wrapped?.data;
  if (typeof data !== 'string' || !BASE64.test(data)) return { ok: false, reason: 'message.data is not base64' };
  try {
    return { ok: true, message: JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as GcrMessage };
  } catch {
    return { ok: false, reason: 'message.data is not base64 of JSON (expected a message of the gcr topic)' };
  }
}

export const garFormat: WebhookFormat = {
  verify: (request, secret) => sameSecret(request.query.secret, secret),
  parse(payload): ParseOutcome {
    const got = messageOf(payload);
    if (!got.ok) return got;
    const { action, digest, tag } = got.message ?? {};
    if (action !== 'INSERT' && action !== 'DELETE') return { ok: false, reason: 'the message has no action INSERT or DELETE (expected a message of the gcr topic)' };
    if (tag !== undefined && typeof tag !== 'string') return { ok: false, reason: 'tag is not a string' };
    // An upload by digest alone changes no tag; a deleted image (digest only) still re-scans.
    const reference = tag || (action === 'DELETE' && typeof digest === 'string' ? digest : undefined);
    if (!reference) return { ok: true, events: [] };
    const checked = eventFromReference(reference, action === 'INSERT' ? 'push' : 'delete');
    return checked.ok ? { ok: true, events: [checked.event] } : checked;
  },
};
