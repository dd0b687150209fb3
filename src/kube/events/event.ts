// An events.k8s.io/v1 Event about an ApplicationSet (Kubernetes API reference, Event v1 events.k8s.io:
// eventTime is a MicroTime and required, reportingController and reportingInstance name who
// reports, action and reason are at most 128 characters, note at most 1 kB, type Normal or Warning;
// a repeat of the same event is recorded as a series with count and lastObservedTime, not as a new
// object). Pure.
import { randomBytes } from 'node:crypto';
import type { PromotionEvent, PromotionEventReason } from '../../operations/types.ts';

export const REPORTING_CONTROLLER = 'argoproj.io/argocd-image-plugins';
const MAX_NOTE_BYTES = 1024;

const ACTION: Readonly<Record<PromotionEventReason, string>> = {
  Moved: 'Promote',
  WaveMoved: 'Promote',
  Blocked: 'Gate',
  AwaitingApproval: 'Gate',
  Held: 'Hold',
  Released: 'Release',
  Approved: 'Approve',
  Promoted: 'Promote',
  Stale: 'Resolve',
};

const WARNING: ReadonlySet<PromotionEventReason> = new Set(['Blocked', 'Stale']);

/** MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Cuts a note to the API's 1 kB limit without splitting a character. */
export function boundedNote(note: string): string {
  if (Buffer.byteLength(note) <= MAX_NOTE_BYTES) return note;
  let cut = note.slice(0, MAX_NOTE_BYTES - 3);
  while (Buffer.byteLength(cut) > MAX_NOTE_BYTES - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}

export interface Regarding {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
}

export function buildEvent(event: PromotionEvent, regarding: Regarding, instance: string, now: number): Record<string, unknown> {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    // Kubernetes' recorders name an Event "<object>.<unique suffix>".
    metadata: { name: `${regarding.name.slice(0, 200)}.${randomBytes(8).toString('hex')}`, namespace: regarding.namespace, labels: { 'app.kubernetes.io/name': 'argocd-image-plugins' } },
    eventTime: microTime(now),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: instance.slice(0, 128),
    action: ACTION[event.reason],
    reason: event.reason,
    type: event.type ?? (WARNING.has(event.reason) ? 'Warning' : 'Normal'),
    note: boundedNote(event.note),
    regarding: { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', namespace: regarding.namespace, name: regarding.name, ...(regarding.uid && { uid: regarding.uid }) },
  };
}

/** What makes two events the same (a series): the object, the reason, the place and the key or note. */
export function seriesKey(event: PromotionEvent, regarding: Regarding): string {
  return [regarding.namespace, regarding.name, event.reason, event.watch, event.environment, event.key ?? event.note].join('\u0000');
}
