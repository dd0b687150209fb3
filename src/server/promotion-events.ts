// The promotion engine's changes as Kubernetes Events on the ApplicationSets that use the watch:
// a move into an environment or a wave, a gate that blocks (or waits for an approval), a hold, stale
// Application data. One event per change; the sink deduplicates a series by its key.
import type { PromotionEvent, PromotionEventSink } from '../operations/types.ts';
import type { PromotionChange, PromotionSource } from '../promotion/types.ts';

export function promotionEvent(c: PromotionChange): PromotionEvent {
  const reason = c.kind === 'moved' ? (c.wave !== undefined ? 'WaveMoved' : 'Moved') : c.kind === 'held' ? 'Held' : c.kind === 'stale' ? 'Stale' : 'Blocked';
  const where = `${c.watch}/${c.environment}${c.wave !== undefined ? ` wave ${c.wave}` : ''}`;
  return { reason, watch: c.watch, environment: c.environment, key: `${c.kind}:${c.wave ?? ''}:${c.ref ?? ''}`, note: `${where}: ${c.reason}`.slice(0, 1000) };
}

/** Sends every change the engine says to the sink; returns the unsubscribe function. */
export function forwardPromotionEvents(promotion: Pick<PromotionSource, 'addListener'>, sink: PromotionEventSink): () => void {
  return promotion.addListener({ onChanges: (changes) => changes.forEach((c) => sink.emit(promotionEvent(c))) });
}
