// Which records are in effect at a time. Pure. The rules, in log order:
//  - a hold stays in effect until a later release (or a later hold replaces it) for the same watch
//    and environment, or its `until` passes;
//  - an approval stays in effect until a later approval for the same watch, environment and wave
//    replaces it, or its `until` passes (whether it was used is the promotion engine's to judge);
//  - a promotion stays in effect until a later promotion for the same watch and environment
//    replaces it, or its `until` passes;
//  - a release is never in effect itself: it ends the hold before it.
import type { OperationRecord } from './types.ts';

function slot(record: OperationRecord): string | undefined {
  const where = `${record.watch}\u0000${record.environment}`;
  switch (record.kind) {
    case 'hold':
    case 'release':
      return `hold\u0000${where}`;
    case 'approve':
      return `approve\u0000${where}\u0000${record.wave ?? ''}`;
    case 'promote':
      return `promote\u0000${where}`;
  }
}

export function lapsed(record: OperationRecord, now: number): boolean {
  return record.until !== undefined && Date.parse(record.until) <= now;
}

export function inEffect(records: readonly OperationRecord[], now: number): OperationRecord[] {
  const latest = new Map<string, OperationRecord>();
  for (const record of records) {
    const key = slot(record)!;
    if (record.kind === 'release') latest.delete(key);
    else latest.set(key, record);
  }
  const ids = new Set([...latest.values()].filter((r) => !lapsed(r, now)).map((r) => r.id));
  return records.filter((r) => ids.has(r.id));
}

/** The hold in effect for a watch and environment, if any. */
export function holdInEffect(active: readonly OperationRecord[], watch: string, environment: string): OperationRecord | undefined {
  return active.find((r) => r.kind === 'hold' && r.watch === watch && r.environment === environment);
}
