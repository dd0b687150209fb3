// Operator actions on what an environment is served: hold, release, approve and promote, taken
// through the operations API or the CLI with an operator token (never the generator's token).
// Each is recorded with who, why, when and until, persisted with the resolved state so it survives
// restarts, and read by the promotion engine (approve, promote) and the poller (hold, release).
import type { PromotionStatus } from '../promotion/types.ts';

export type OperationKind = 'hold' | 'release' | 'approve' | 'promote';

export interface OperationRecord {
  /** Stable identifier of the record, unique in the log. */
  readonly id: string;
  readonly kind: OperationKind;
  readonly watch: string;
  /** The environment the action is about (`default` for clusters without an environment override). */
  readonly environment: string;
  /**
   * hold: the tag to pin (absent = keep what is served now); approve / promote: the tag the move is
   * about; release: absent.
   */
  readonly tag?: string;
  /** approve: the wave the approval opens (absent = the move into the environment). */
  readonly wave?: number;
  /** The operator token's name. */
  readonly by: string;
  readonly reason: string;
  /** ISO 8601 time the action was taken. */
  readonly at: string;
  /** ISO 8601 time after which a hold or an approval lapses; absent = until released or used. */
  readonly until?: string;
}

/** Read side of the operations log, all the poller and the promotion engine need. */
export interface OperationsReader {
  /** Records in effect at `now`: holds not released or lapsed, approvals and promotions not yet lapsed. */
  active(now: Date): readonly OperationRecord[];
  /** Every record, oldest first (bounded), for audits, `/api/v1/images` and `status`. */
  log(): readonly OperationRecord[];
  /** Increases on every change. */
  readonly revision: number;
  /** Called after every change; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** What the promotion engine says about a watch and environment, for `status` and metrics. */
export interface PromotionView {
  /** A newer reference waiting to move here (for a gate, a wave's pause or an approval). */
  readonly pending?: { readonly tag: string; readonly wave?: number; readonly since: string; readonly waitingFor: string; readonly opensAt?: string };
  /** A gate that stops the move: which Application, which state, since when. */
  readonly blocked?: { readonly reason: string; readonly since: string; readonly application?: string };
  /** The promotion engine's own status row (state, served, pending, waves, reason, since, opensAt). */
  readonly status?: PromotionStatus;
}

/** Implemented by the promotion engine; the operations API and metrics read it when it is there. */
export interface PromotionStatusReader {
  view(watch: string, environment: string): PromotionView | undefined;
}

/** Why a Kubernetes Event is recorded on the ApplicationSets that use a watch. */
export type PromotionEventReason = 'Moved' | 'WaveMoved' | 'Blocked' | 'AwaitingApproval' | 'Held' | 'Released' | 'Approved' | 'Promoted' | 'Stale';

export interface PromotionEvent {
  readonly reason: PromotionEventReason;
  readonly watch: string;
  readonly environment: string;
  /** The human sentence (the Event's note), e.g. "prod wave 2 moved to 1.4.0". */
  readonly note: string;
  /** Events of the same watch, environment, reason and key are one series (count, lastObservedTime). */
  readonly key?: string;
  /** `Warning` for Blocked and Stale, `Normal` otherwise (default by reason). */
  readonly type?: 'Normal' | 'Warning';
}

/** Records Kubernetes Events (events.k8s.io/v1); never throws, never waits (best effort, bounded queue). */
export interface PromotionEventSink {
  emit(event: PromotionEvent): void;
}
