// Holds taken as operations, as the poller applies them: a hold in effect pins its watch and
// environment to its tag and wins over the config's `holds` for the same place (it is the later,
// explicit act); once released or lapsed, the config's hold, if any, applies again.
import type { Hold } from '../config/types.ts';
import type { Clock } from '../shared/clock.ts';
import { lapsed } from './effect.ts';
import type { OperationRecord, OperationsReader } from './types.ts';

function key(watch: string, environment: string): string {
  return `${watch}\u0000${environment}`;
}

/** The poller's lookup; the set of holds is rebuilt only when the log changes. */
export function operationHolds(reader: OperationsReader, clock: Clock): (watch: string, environment: string) => Hold | undefined {
  let built = -1;
  let holds = new Map<string, OperationRecord>();
  return (watch, environment) => {
    if (built !== reader.revision) {
      holds = new Map(reader.active(new Date(clock.now())).filter((r) => r.kind === 'hold' && r.tag !== undefined).map((r) => [key(r.watch, r.environment), r]));
      built = reader.revision;
    }
    const r = holds.get(key(watch, environment));
    if (!r || lapsed(r, clock.now())) return undefined;
    return { tag: r.tag!, reason: r.reason, by: r.by, ...(r.until !== undefined && { until: r.until }) };
  };
}

/** Watches whose holds differ between two sets of records in effect (to rescan them at once). */
export function heldWatchesChanged(before: readonly OperationRecord[], after: readonly OperationRecord[]): Set<string> {
  const ids = (rs: readonly OperationRecord[]): Set<string> => new Set(rs.filter((r) => r.kind === 'hold').map((r) => r.id));
  const a = ids(before);
  const b = ids(after);
  const changed = new Set<string>();
  for (const r of before) if (r.kind === 'hold' && !b.has(r.id)) changed.add(r.watch);
  for (const r of after) if (r.kind === 'hold' && !a.has(r.id)) changed.add(r.watch);
  return changed;
}
