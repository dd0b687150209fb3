// The Events operations cause: each new record in the log becomes one event (Held, Released,
// Approved, Promoted); stale resolutions are stale-events.ts'.
// Only the replica that writes the state records them (`leads`), so several replicas make one Event.
import type { OperationRecord, OperationsReader, PromotionEvent, PromotionEventReason, PromotionEventSink } from './types.ts';

const REASON: Readonly<Record<OperationRecord['kind'], PromotionEventReason>> = { hold: 'Held', release: 'Released', approve: 'Approved', promote: 'Promoted' };

export function operationEvent(r: OperationRecord): PromotionEvent {
  const what = r.kind === 'release' ? 'released its hold' : r.kind === 'hold' ? `held at ${r.tag}` : r.kind === 'approve' ? `approved ${r.tag ?? 'the next move'}${r.wave !== undefined ? ` for wave ${r.wave}` : ''}` : `promoted ${r.tag}`;
  const until = r.until ? ` until ${r.until}` : '';
  return { reason: REASON[r.kind], watch: r.watch, environment: r.environment, key: r.id, note: `${r.watch}/${r.environment} ${what} by ${r.by}${until}: ${r.reason}` };
}

export function followOperations(log: OperationsReader, sink: PromotionEventSink, leads: () => boolean): () => void {
  let seen = new Set(log.log().map((r) => r.id));
  return log.onChange(() => {
    const records = log.log();
    const fresh = records.filter((r) => !seen.has(r.id));
    seen = new Set(records.map((r) => r.id));
    if (leads()) for (const r of fresh) sink.emit(operationEvent(r));
  });
}
