// Progressive delivery's data: what the engine reads (candidates, clusters, Application states,
// operations), what it keeps (the promotion state, persisted with the resolved state) and what it
// says (per environment status and the changes of one evaluation). docs/promotion.md explains them.
import type { Resolution } from '../cache/types.ts';
import type { EnvironmentPolicy } from '../config/types.ts';

/**
 * An operator's action as the engine reads it: the shape of the operations log's records
 * (operations/types.ts, OperationRecord), of which the engine uses approve and promote.
 */
export interface OperationRecord {
  readonly id: string;
  readonly kind: 'hold' | 'release' | 'approve' | 'promote';
  readonly watch: string;
  readonly environment: string;
  readonly tag?: string;
  /** approve: the 1-based wave the approval opens (absent = the move into the environment). */
  readonly wave?: number;
  readonly at: string;
}

/** Where one (watch, environment) stands. Persisted: a restart resumes from exactly this. */
export interface EnvironmentState {
  /** What every cluster of the environment runs outside a rollout: the last reference that finished. */
  readonly served: Resolution;
  /** When `served` became the reference of the whole environment (ISO 8601). */
  readonly servedAt: string;
  /** The reference being rolled out; absent when no rollout is under way. */
  readonly target?: Resolution;
  /** Highest wave (0-based) opened for `target`: clusters of waves 0..wave run it. */
  readonly wave: number;
  /** When that wave opened (ISO 8601). */
  readonly waveAt: string;
  /** When `served` or `target` last changed; operations taken before it are spent. */
  readonly changedAt: string;
  /**
   * The last thing said about this environment, so one change is reported once; a `waiting` note
   * says when its gate opens (ISO 8601; absent in states written before it was kept).
   */
  readonly note?: { readonly kind: NoteKind; readonly reason: string; readonly opensAt?: string };
}

/** watch name → environment → state. Keys are written sorted, so the same state gives the same text. */
export interface PromotionState {
  readonly watches: Readonly<Record<string, Readonly<Record<string, EnvironmentState>>>>;
}

export const EMPTY_PROMOTION_STATE: PromotionState = Object.freeze({ watches: Object.freeze({}) });

/** One Argo CD Application as the gates see it, already matched to a cluster by spec.destination. */
export interface ApplicationObservation {
  readonly namespace: string;
  readonly name: string;
  /** Name of the cluster its spec.destination points at. */
  readonly cluster: string;
  /** status.sync.status: Synced, OutOfSync, Unknown. */
  readonly sync: string;
  /** status.health.status: Healthy, Progressing, Degraded, Suspended, Missing, Unknown. */
  readonly health: string;
  /** status.summary.images, as written in the live resources. */
  readonly images: readonly string[];
  /** Since when sync, health and images have been what they are (ISO 8601). */
  readonly since: string;
}

/** The Applications as last read. `known: false` (never read, or the watch is broken) stops every move. */
export interface ApplicationsView {
  readonly known: boolean;
  /** Why the data is unknown or stale, for the blocked reason. */
  readonly reason?: string;
  readonly applications: readonly ApplicationObservation[];
}

export interface ClusterPlacement {
  readonly name: string;
  readonly environment: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The poller's answer for one (watch, environment): what the policy chose, and whether a hold decided it. */
export interface Candidate {
  readonly resolution: Resolution;
  /** Set when a hold (config or operation) decided the resolution: it is served at once, no gate. */
  readonly held?: { readonly reason: string };
  /** Earlier resolutions (newest first), to find the digest of a tag an operator promotes. */
  readonly history: readonly Resolution[];
}

export interface WatchRef {
  readonly name: string;
  /** `registry/repository`, as the watch normalises it. */
  readonly image: string;
}

export interface EngineInput {
  readonly now: Date;
  readonly watches: readonly WatchRef[];
  readonly policies: Readonly<Record<string, EnvironmentPolicy>>;
  readonly candidate: (watch: string, environment: string) => Candidate | undefined;
  readonly clusters: readonly ClusterPlacement[];
  readonly applications: ApplicationsView;
  readonly state: PromotionState;
  /** Operations in effect now (OperationsReader.active(now)); approve and promote are read here. */
  readonly operations: readonly OperationRecord[];
}

/** `waiting`: only time is missing (a soak or a pause under way); kept in the status, not reported as a change. */
export type NoteKind = 'moved' | 'waiting' | 'blocked' | 'awaiting-approval' | 'held' | 'stale';

/** One thing that happened in one evaluation, reported once (Events, logs, metrics). */
export interface PromotionChange {
  readonly kind: NoteKind;
  readonly watch: string;
  readonly environment: string;
  /** 1-based wave the change is about, when the environment rolls out in waves. */
  readonly wave?: number;
  /** The reference the change is about. */
  readonly ref?: string;
  readonly reason: string;
}

export type StatusState = 'idle' | 'rolling' | 'waiting' | 'blocked' | 'awaiting-approval' | 'held' | 'stale';

/** Where one (watch, environment) stands, for `/api/v1/images`, `status` and metrics. */
export interface PromotionStatus {
  readonly watch: string;
  readonly environment: string;
  readonly state: StatusState;
  readonly served: string;
  /** The tag of `served`. */
  readonly servedTag: string;
  /** The reference rolling out or waiting at a gate. */
  readonly pending?: string;
  /** Waves opened for `pending` (1-based count) and how many there are; absent without a rollout. */
  readonly wave?: number;
  readonly waves?: number;
  readonly reason?: string;
  /** Since when the environment stands where it does (the wave opened, or the last move). */
  readonly since: string;
  /** The tag of `pending`. */
  readonly pendingTag?: string;
  /** When a gate that waits only on time (a soak, a wave's pause) opens (ISO 8601). */
  readonly opensAt?: string;
}

export interface EngineResult {
  readonly state: PromotionState;
  readonly changes: readonly PromotionChange[];
  readonly status: readonly PromotionStatus[];
  /** Earliest time a gate waiting on time (soak, pause) may open: evaluate again then (ISO 8601). */
  readonly wakeAt?: string;
}

/** What the service calls after an evaluation that changed something (Events, metrics plug in here). */
export interface PromotionListener {
  onChanges(changes: readonly PromotionChange[], status: readonly PromotionStatus[]): void;
}

/** The running promotion as the HTTP service, the generator and the refresher read it. */
export interface PromotionSource {
  /** The state being served (durable). */
  state(): PromotionState;
  /** Increases whenever the served state changes. */
  revision(): number;
  status(): readonly PromotionStatus[];
  /** Listeners hear every change an evaluation says; returns an unsubscribe function. */
  addListener(listener: PromotionListener): () => void;
}
