// An Argo CD Application reduced to what the promotion gates read (field names from Argo CD's
// Application CRD, argoproj.io/v1alpha1): spec.destination.{server,name}, status.sync.status,
// status.health.status and status.summary.images. Every value comes from the API and is bounded:
// strings are cut to their limits, the image list to its first entries; a missing or malformed
// status reads as Unknown, which no gate accepts.
import type { ApplicationInput } from '../promotion/applications.ts';
import type { KubeObject } from './objects.ts';

/** The shape the promotion gates take (defined once, by them); this module fills it from the API. */
export type ApplicationRecord = ApplicationInput;

const MAX_TEXT = 1024;
const MAX_IMAGES = 200;

function text(value: unknown, max = MAX_TEXT): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

function at(value: unknown, ...path: string[]): unknown {
  let here = value;
  for (const key of path) here = typeof here === 'object' && here !== null && !Array.isArray(here) ? (here as Record<string, unknown>)[key] : undefined;
  return here;
}

/** The record of an object, keeping `since` from the previous record when nothing the gates read changed. */
export function toRecord(object: KubeObject, namespace: string, previous: ApplicationRecord | undefined, nowIso: string): ApplicationRecord {
  const server = text(at(object, 'spec', 'destination', 'server'));
  const destName = text(at(object, 'spec', 'destination', 'name'));
  const rawImages = at(object, 'status', 'summary', 'images');
  const images = Array.isArray(rawImages) ? rawImages.slice(0, MAX_IMAGES).flatMap((i) => (text(i, 512) === undefined ? [] : [i as string])).sort() : [];
  const record = {
    namespace,
    name: object.metadata.name,
    destination: { ...(server !== undefined && { server }), ...(destName !== undefined && { name: destName }) },
    sync: text(at(object, 'status', 'sync', 'status'), 64) ?? 'Unknown',
    health: text(at(object, 'status', 'health', 'status'), 64) ?? 'Unknown',
    images,
  };
  const same = previous !== undefined && previous.sync === record.sync && previous.health === record.health && previous.images.join('\n') === images.join('\n');
  return { ...record, since: same ? previous.since : nowIso };
}
