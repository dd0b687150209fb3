// The promotion engine's changes as Events: a listener the service registers with the engine
// (its PromotionListener shape, written out here so operations/ does not depend on promotion/).
// Moves, blocks and approvals waited for come from the engine; holds, releases, approvals given and
// stale resolutions are recorded from the operations log and the cache (event-source.ts), so the
// engine's own `held` and `stale` changes are not recorded twice.
import type { PromotionEvent, PromotionEventSink } from './types.ts';

export interface EngineChange {
  readonly kind: string;
  readonly watch: string;
  readonly environment: string;
  readonly wave?: number;
  readonly ref?: string;
  readonly reason: string;
}

export function eventOfChange(change: EngineChange): PromotionEvent | undefined {
  const where = `${change.watch}/${change.environment}${change.wave !== undefined ? ` wave ${change.wave}` : ''}`;
  const base = { watch: change.watch, environment: change.environment, ...(change.ref !== undefined && { key: `${change.wave ?? ''} ${change.ref}` }) };
  switch (change.kind) {
    case 'moved':
      return { ...base, reason: change.wave !== undefined ? 'WaveMoved' : 'Moved', note: `${where} moved to ${change.ref ?? 'a new reference'}: ${change.reason}` };
    case 'blocked':
      return { ...base, reason: 'Blocked', note: `${where} blocked: ${change.reason}` };
    case 'awaiting-approval':
      return { ...base, reason: 'AwaitingApproval', note: `${where} waits for approval of ${change.ref ?? 'the next move'}: ${change.reason}` };
    default:
      return undefined;
  }
}

/** A listener for the promotion engine: every change it reports that is an Event goes to `sink`. */
export function promotionEventListener(sink: PromotionEventSink): { onChanges(changes: readonly EngineChange[]): void } {
  return {
    onChanges(changes) {
      for (const change of changes) {
        const event = eventOfChange(change);
        if (event) sink.emit(event);
      }
    },
  };
}
