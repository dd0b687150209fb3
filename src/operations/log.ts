// The operations log in memory. A new record is staged first and becomes visible to readers (the
// poller, the promotion engine, the API) only once the state holding it is durable: on disk for a
// single replica, published to the Kubernetes API for several (the caller commits the checkpoint it
// wrote). Bounded to MAX_RECORDS: the oldest records no longer in effect are dropped first, and
// when every record is still in effect a new one is refused.
import type { Clock } from '../shared/clock.ts';
import { opsError } from './errors.ts';
import { inEffect } from './effect.ts';
import { MAX_RECORDS, parseRecords } from './record.ts';
import type { OperationRecord, OperationsReader } from './types.ts';

export interface OperationsCheckpoint {
  /** Committed and staged records, oldest first: what the next durable state holds. */
  readonly records: readonly OperationRecord[];
  /** Marks the checkpoint's records durable (call once the state holding them is written). */
  commit(): void;
}

export interface OperationsLog extends OperationsReader {
  /** Adds a record that readers see only once a checkpoint holding it is committed. Throws OPS_LOG_FULL. */
  stage(record: OperationRecord): void;
  /** Withdraws a staged record whose write failed (a committed record is never withdrawn). */
  unstage(id: string): void;
  /** True once the record is durable and visible. */
  committed(id: string): boolean;
  checkpoint(): OperationsCheckpoint;
  /** Replaces the committed records with persisted or shared ones (restore, a follower's update). */
  load(records: unknown): void;
}

export function createOperationsLog(options: { clock: Clock; limit?: number }): OperationsLog {
  const limit = options.limit ?? MAX_RECORDS;
  let committed: OperationRecord[] = [];
  let staged: OperationRecord[] = [];
  let revision = 0;
  const listeners = new Set<() => void>();

  function changed(): void {
    revision++;
    for (const listener of listeners) listener();
  }

  function makeRoom(): void {
    const all = [...committed, ...staged];
    if (all.length < limit) return;
    const keep = new Set(inEffect(all, options.clock.now()).map((r) => r.id));
    const drop = all.find((r) => !keep.has(r.id) && committed.includes(r));
    if (!drop) throw opsError('OPS_LOG_FULL', `the operations log holds ${limit} records, all still in effect; release holds or let approvals lapse first`);
    committed = committed.filter((r) => r !== drop);
  }

  return {
    active: (now) => inEffect(committed, now.getTime()),
    log: () => committed,
    get revision() {
      return revision;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stage(record) {
      makeRoom();
      staged = [...staged, record];
    },
    unstage(id) {
      staged = staged.filter((r) => r.id !== id);
    },
    committed: (id) => committed.some((r) => r.id === id),
    checkpoint() {
      const records = [...committed, ...staged];
      const ids = new Set(staged.map((r) => r.id));
      return {
        records,
        commit() {
          if (ids.size === 0) return;
          committed = [...committed, ...staged.filter((r) => ids.has(r.id))].slice(-limit);
          staged = staged.filter((r) => !ids.has(r.id));
          changed();
        },
      };
    },
    load(records) {
      const next = parseRecords(records).slice(-limit);
      if (next.length === committed.length && next.every((r, i) => r.id === committed[i]!.id)) return;
      committed = next;
      changed();
    },
  };
}
