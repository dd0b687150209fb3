// The promotion engine's changes as Events: a listener the service registers with the engine
// (its PromotionListener shape, written out here so operations/ does not depend on promotion/).
// One Event per change, whichever part saw it first: holds taken as operations, releases, approvals
// given and promotions are recorded from the operations log (event-source.ts) and stale resolutions
// from the cache (stale-events.ts), so the engine's `held` change becomes an Event only for a hold
// from the config (no log record says it), and its `stale` change only for the Application data.
import type { PromotionEvent, PromotionEventSink } from './types.ts';

export interface EngineChange {
  readonly kind: string;
  readonly watch: string;
  readonly environment: string;
  readonly wave?: number;
  readonly ref?: string;
  readonly reason: string;
}

/** True when an operation's hold is in effect for (watch, environment): its Held Event comes from the log. */
export type OperationHeld = (watch: string, environment: string) => boolean;

export function eventOfChange(change: EngineChange, operationHeld: OperationHeld = () => false): PromotionEvent | undefined {
  const where = `${change.watch}/${change.environment}${change.wave !== undefined ? ` wave ${change.wave}` : ''}`;
  const base = { watch: change.watch, environment: change.environment, key: `${change.kind}:${change.wave ?? ''}:${change.ref ?? ''}` };
  switch (change.kind) {
    case 'moved':
      return { ...base, reason: change.wave !== undefined ? 'WaveMoved' : 'Moved', note: `${where} moved to ${change.ref ?? 'a new reference'}: ${change.reason}` };
    case 'blocked':
      return { ...base, reason: 'Blocked', note: `${where} blocked: ${change.reason}` };
    case 'awaiting-approval':
      return { ...base, reason: 'AwaitingApproval', note: `${where} waits for approval of ${change.ref ?? 'the next move'}: ${change.reason}` };
    case 'held':
      return operationHeld(change.watch, change.environment) ? undefined : { ...base, reason: 'Held', note: `${where} ${change.reason} (config hold)` };
    case 'stale':
      return { ...base, reason: 'Stale', note: `${where}: ${change.reason}` };
    default:
      return undefined;
  }
}

/** A listener for the promotion engine: every change it reports that is an Event goes to `sink`. */
export function promotionEventListener(sink: PromotionEventSink, operationHeld?: OperationHeld): { onChanges(changes: readonly EngineChange[]): void } {
  return {
    onChanges(changes) {
      for (const change of changes) {
        const event = eventOfChange(change, operationHeld);
        if (event) sink.emit({ ...event, note: event.note.slice(0, 1000) });
      }
    },
  };
}
