// Where images live in a document. A path is a suffix pattern matched at any depth, the way
// kustomize's image transformer finds `containers` anywhere (so Pods, every workload kind, CronJob
// templates, Argo Rollouts, Knative Services and other CRDs are covered without a list of kinds):
//   containers[].image      the `image` of every item of every `containers` sequence
//   steps[].image           Tekton steps (an extra path from the config)
//   spec.stepTemplate.image a plain nested key
//   spec.images[]           every scalar item of a sequence
// Pure.
import { cmpError } from './errors.ts';

/** One step down a document: into the value of a mapping key, or into any item of a sequence. */
export type Step = string;
export const ITEM: Step = '[]';

export interface ImagePath {
  /** The pattern as written, for messages. */
  readonly source: string;
  /** Steps from the outermost named key to the image scalar: `containers[].image` → ['containers', '[]', 'image']. */
  readonly steps: readonly Step[];
  /** The key whose presence in a document's text makes the document worth parsing. */
  readonly probeKey: string;
  /** True when the probe key must hold a sequence (checked cheaply before parsing). */
  readonly probeSequence: boolean;
}

/** Container lists, including ephemeralContainers (which kustomize 5.5 skips). */
export const DEFAULT_IMAGE_PATHS = ['containers[].image', 'initContainers[].image', 'ephemeralContainers[].image'] as const;

const SEGMENT = /^([A-Za-z0-9_$-][A-Za-z0-9_$/-]*?)(\[\])?$/;

/** Parse one path pattern; throws CMP_OPTIONS_INVALID naming the pattern and the rule it breaks. */
export function parseImagePath(source: string, where: string): ImagePath {
  const fail = (why: string): never => {
    throw cmpError('CMP_OPTIONS_INVALID', `${where}: image path "${source}" ${why}; write it like "steps[].image" or "spec.stepTemplate.image"`);
  };
  const text = source.trim();
  if (text.length === 0) fail('is empty');
  const steps: Step[] = [];
  for (const segment of text.split('.')) {
    const m = SEGMENT.exec(segment);
    if (!m) return fail(`has an invalid segment "${segment}"`);
    steps.push(m[1]!);
    if (m[2]) steps.push(ITEM);
  }
  if (steps.length < 2) fail('is too broad (it needs at least a parent key or [])');
  // The probe is the innermost key that names a collection: the image scalar's parent.
  const last = steps[steps.length - 1]!;
  const probeIndex = steps.length - 2;
  let probe = steps[probeIndex]!;
  let probeSequence = false;
  if (probe === ITEM) {
    probe = steps[probeIndex - 1] ?? fail('starts with []');
    probeSequence = true;
  } else if (last === ITEM) {
    probeSequence = true;
  }
  return { source: text, steps, probeKey: probe, probeSequence };
}

/** The default container paths plus the extra ones, without duplicates. */
export function buildImagePaths(extra: readonly string[], where: string): readonly ImagePath[] {
  const seen = new Set<string>();
  const out: ImagePath[] = [];
  for (const source of [...DEFAULT_IMAGE_PATHS, ...extra]) {
    const path = parseImagePath(source, where);
    const key = path.steps.join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(path);
  }
  return out;
}

/** True when the trail (steps from the document root to a scalar) ends with one of the paths. */
export function matchesAny(trail: readonly Step[], paths: readonly ImagePath[]): boolean {
  for (const path of paths) {
    const n = path.steps.length;
    if (trail.length < n) continue;
    let ok = true;
    for (let i = 1; i <= n; i++) {
      if (trail[trail.length - i] !== path.steps[n - i]) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}
