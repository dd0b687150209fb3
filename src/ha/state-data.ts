// The resolved state as one JSON text: the cache entries, the registry metadata, the scan times, the
// operations log and the promotion state, the same parts the single-replica snapshot file holds. The text is what the leader publishes and
// followers load; it is built by JSON.stringify over data in a fixed order, so the same state gives
// the same text.
import type { CacheEntry } from '../cache/types.ts';
import type { MetadataSnapshot } from '../cache/metadata.ts';

export interface StateData {
  readonly entries: readonly CacheEntry[];
  readonly metadata: MetadataSnapshot;
  readonly scans: Readonly<Record<string, string>>;
  /** The operations log (parsed record by record by operations/log.ts); absent in states published before operations existed. */
  readonly operations?: readonly unknown[];
  /** Where each promotion and rollout stands (promotion/state-codec.ts checks it); absent in states published before promotion was shared. */
  readonly promotion?: unknown;
}

export function stateText(data: StateData): string {
  return JSON.stringify({ entries: data.entries, metadata: data.metadata, scans: data.scans, ...(data.operations && { operations: data.operations }), ...(data.promotion !== undefined && { promotion: data.promotion }) });
}

/** The state from a published text; undefined when it is not one (never thrown: a follower keeps its last good state). */
export function parseStateText(text: string): StateData | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<StateData>;
    if (!Array.isArray(parsed.entries) || typeof parsed.metadata !== 'object' || parsed.metadata === null || typeof parsed.scans !== 'object' || parsed.scans === null) return undefined;
    return parsed as StateData;
  } catch {
    return undefined;
  }
}
