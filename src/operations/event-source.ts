// The Events operations cause: each new record in the log becomes one event (Held, Released,
// Approved, Promoted), and a resolution that starts failing (its answer goes stale) becomes Stale.
// Only the replica that writes the state records them (`leads`), so several replicas make one Event.
import type { CacheEntry } from '../cache/types.ts';
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

/** Stale events from cache changes: an entry whose last scan newly failed. */
export function followStaleness(cache: { onChange(listener: (changed: readonly CacheEntry[]) => void): () => void }, sink: PromotionEventSink, leads: () => boolean): () => void {
  const failing = new Set<string>();
  return cache.onChange((changed) => {
    for (const e of changed) {
      const key = `${e.watch}\u0000${e.environment}`;
      if (!e.lastError) {
        failing.delete(key);
        continue;
      }
      if (failing.has(key)) continue;
      failing.add(key);
      if (leads() && e.current) sink.emit({ reason: 'Stale', watch: e.watch, environment: e.environment, key: e.lastError.code, note: `${e.watch}/${e.environment} keeps serving ${e.current.tag}: the last scan failed (${e.lastError.code}: ${e.lastError.message.slice(0, 300)})` });
    }
  });
}
