// One push event from the names a sender gives, checked against the image reference grammar
// (src/image/reference.ts) before anything acts on it: a host, repository or tag that could not
// appear in an image reference is refused with the reason, never matched or logged as a name.
import { parseImageRef } from '../image/reference.ts';
import type { PushEvent } from './types.ts';

export type EventOutcome = { ok: true; event: PushEvent } | { ok: false; reason: string };

const SHOWN = 300;

/** `host/repository[:tag]` as one reference (Artifact Registry and Quay name images this way). */
export function eventFromReference(reference: string, action: PushEvent['action'] = 'push'): EventOutcome {
  const parsed = parseImageRef(reference);
  if (!parsed.ok) return { ok: false, reason: `"${reference.slice(0, SHOWN)}" is not an image reference: ${parsed.reason}` };
  // A first component without `.` or `:` (and not localhost) would be read as a Docker Hub namespace.
  const slash = reference.indexOf('/');
  const host = slash < 0 ? '' : reference.slice(0, slash);
  if (!/[.:]/.test(host) && host !== 'localhost') return { ok: false, reason: `"${reference.slice(0, SHOWN)}" does not start with a registry host` };
  const { registry, repository, tag } = parsed.ref;
  return { ok: true, event: { host: registry.toLowerCase(), repository, action, ...(tag !== undefined && { tag }) } };
}

/** A push (or delete) of `host/repository[:tag]` named in separate fields. */
export function checkedEvent(host: string, repository: string, tag: string | undefined, action: PushEvent['action'] = 'push'): EventOutcome {
  if (/[/@\s]/.test(host)) return { ok: false, reason: `"${host.slice(0, SHOWN)}" is not a registry host` };
  if (tag !== undefined && /[/@:]/.test(tag)) return { ok: false, reason: `"${tag.slice(0, SHOWN)}" is not a valid tag` };
  return eventFromReference(`${host}/${repository}${tag === undefined ? '' : `:${tag}`}`, action);
}
