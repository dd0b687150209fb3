// What one scan outcome makes of a cache entry. Pure.
import type { CacheEntry, HeldBy, RecordedError, Resolution, ScanSummary } from './types.ts';

export type RecordOutcome =
  | {
      readonly kind: 'resolved';
      /** The resolution to serve; `resolvedAt` is kept from the current one when nothing changed. */
      readonly resolution: Resolution;
      readonly held?: HeldBy;
      readonly summary: ScanSummary;
      readonly at: string;
    }
  | { readonly kind: 'failed'; readonly error: RecordedError; readonly summary?: ScanSummary };

function sameTarget(a: Resolution | undefined, b: Resolution): boolean {
  return a !== undefined && a.tag === b.tag && a.digest === b.digest && a.ref === b.ref;
}

type Resolved = Extract<RecordOutcome, { kind: 'resolved' }>;

function applyResolved(prev: CacheEntry | undefined, base: CacheEntry, outcome: Resolved, historyLimit: number): { entry: CacheEntry; moved: boolean } {
  const current = prev?.current;
  const moved = !sameTarget(current, outcome.resolution);
  const resolution = moved || current === undefined ? outcome.resolution : { ...outcome.resolution, resolvedAt: current.resolvedAt };
  const history = moved && current ? [current, ...(prev?.history ?? [])].slice(0, historyLimit) : (prev?.history ?? []);
  const entry: CacheEntry = {
    watch: base.watch,
    environment: base.environment,
    image: base.image,
    current: resolution,
    history,
    lastCheckedAt: outcome.at,
    lastScan: outcome.summary,
    ...(outcome.held && { held: outcome.held }),
  };
  return { entry, moved };
}

/** The entry after `outcome`, and whether its current resolution moved (tag, digest or ref). */
export function applyOutcome(
  prev: CacheEntry | undefined,
  target: { readonly watch: string; readonly environment: string; readonly image: string },
  outcome: RecordOutcome,
  historyLimit: number,
): { entry: CacheEntry; moved: boolean } {
  const base: CacheEntry = prev ?? { ...target, history: [] };
  if (outcome.kind === 'resolved') return applyResolved(prev, base, outcome, historyLimit);
  // Last known good: the current resolution stays; only the error and check time change.
  const entry: CacheEntry = { ...base, image: target.image, lastCheckedAt: outcome.error.at, lastError: outcome.error, ...(outcome.summary && { lastScan: outcome.summary }) };
  return { entry, moved: false };
}
