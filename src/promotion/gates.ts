// The gates' questions about Applications: which Applications of a set of clusters use a watch,
// and whether each has run a reference Synced and Healthy for long enough. An Application uses a
// watch when one of its status.summary.images names the watch's repository; it runs a reference
// when that image has the reference's tag and digest (whichever the pin mode wrote). Pure.
import type { Resolution } from '../cache/types.ts';
import { parseImageRef } from '../image/reference.ts';
import type { ApplicationObservation } from './types.ts';

interface Written {
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

const parsed = new Map<string, Written | null>();

/** Parsed image texts, remembered (bounded): the same few images are asked about on every evaluation. */
function parse(text: string): Written | null {
  let known = parsed.get(text);
  if (known !== undefined) return known;
  const r = parseImageRef(text);
  known = r.ok ? { name: r.ref.name, ...(r.ref.tag !== undefined && { tag: r.ref.tag }), ...(r.ref.digest !== undefined && { digest: r.ref.digest }) } : null;
  if (parsed.size > 10_000) parsed.clear();
  parsed.set(text, known);
  return known;
}

/**
 * An Application's images parsed once and grouped by repository, so `runs` reads only the images of
 * the watch it is asked about: a gate asks for every watch, and scanning every image of every
 * `from` Application for each made a gate check cost watches x Applications x images.
 */
const byRepository = new WeakMap<ApplicationObservation, Map<string, Written[]>>();

function imagesOf(app: ApplicationObservation): Map<string, Written[]> {
  let grouped = byRepository.get(app);
  if (grouped) return grouped;
  grouped = new Map();
  for (const text of app.images) {
    const written = parse(text);
    if (written === null) continue;
    const list = grouped.get(written.name);
    if (list) list.push(written);
    else grouped.set(written.name, [written]);
  }
  byRepository.set(app, grouped);
  return grouped;
}

export function usesImage(app: ApplicationObservation, image: string): boolean {
  return imagesOf(app).has(image);
}

/** The reference as the Application's images show it: same repository, and tag / digest as written. */
export function runs(app: ApplicationObservation, image: string, resolution: Resolution): boolean {
  const wanted = parse(resolution.ref);
  return (imagesOf(app).get(image) ?? []).some((seen) => (seen.digest !== undefined ? seen.digest === resolution.digest : seen.tag === (wanted?.tag ?? resolution.tag)));
}

export function isSyncedHealthy(app: ApplicationObservation): boolean {
  return app.sync === 'Synced' && app.health === 'Healthy';
}

export interface Failing {
  readonly app: ApplicationObservation;
  /** What is wrong, e.g. "is OutOfSync/Healthy since 2026-…" (stable while nothing changes). */
  readonly why: string;
  /** Set when only time is missing: the moment it will have run long enough (epoch ms). */
  readonly opensAt?: number;
}

/** The first Application (by namespace/name) that has not run `resolution` Synced and Healthy for `holdMs`. */
export function firstFailing(apps: readonly ApplicationObservation[], image: string, resolution: Resolution, holdMs: number, now: number): Failing | undefined {
  // A wrong state is reported before time still to wait; of the waits, the longest (when the gate opens).
  let waiting: Failing | undefined;
  for (const app of apps) {
    if (!runs(app, image, resolution)) return { app, why: `runs ${app.images.filter((t) => parse(t)?.name === image).join(', ')}, not ${resolution.tag}` };
    if (!isSyncedHealthy(app)) return { app, why: `is ${app.sync}/${app.health} since ${app.since}` };
    const opensAt = Date.parse(app.since) + holdMs;
    if (opensAt > now && (waiting === undefined || opensAt > waiting.opensAt!)) {
      waiting = { app, why: `is Synced/Healthy since ${app.since}; it counts from ${new Date(opensAt).toISOString()}`, opensAt };
    }
  }
  return waiting;
}

const byName = (a: ApplicationObservation, b: ApplicationObservation): number => (a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1);

/**
 * The Applications using each repository, by namespace/name, built once per Application list: one
 * evaluation asks for every watch and environment, and reading every image of every Application
 * for each of them made an evaluation cost watches x Applications x images (seconds at 1,000
 * Applications of 200 images and 200 watches; bench/promotion-scale.ts).
 */
const indexes = new WeakMap<readonly ApplicationObservation[], Map<string, ApplicationObservation[]>>();

function indexOf(apps: readonly ApplicationObservation[]): Map<string, ApplicationObservation[]> {
  let index = indexes.get(apps);
  if (index) return index;
  index = new Map();
  for (const app of [...apps].sort(byName)) {
    const names = new Set(app.images.flatMap((text) => parse(text)?.name ?? []));
    for (const name of names) {
      const list = index.get(name);
      if (list) list.push(app);
      else index.set(name, [app]);
    }
  }
  indexes.set(apps, index);
  return index;
}

/** The Applications on `clusters` using the watch's repository `image`, by namespace/name. */
export function appsOf(apps: readonly ApplicationObservation[], clusters: ReadonlySet<string>, image: string): ApplicationObservation[] {
  return (indexOf(apps).get(image) ?? []).filter((a) => clusters.has(a.cluster));
}
