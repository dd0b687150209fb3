// The JSON the status page and the Argo CD extension read. Shared by the service (src/ui) and
// the browser code (web/), so both sides change together.
import type { OperationRecord } from '../operations/types.ts';

export interface Badge {
  /** `waiting`: only time is missing (a soak or a pause); `approval`: a move waits for an `approve`. */
  readonly kind: 'stale' | 'held' | 'blocked' | 'waiting' | 'approval';
  readonly reason: string;
}

/** One wave of an environment that rolls out: its clusters and what they are served now. */
export interface WaveView {
  /** 1-based. */
  readonly wave: number;
  readonly clusters: number;
  readonly ref: string | null;
  readonly tag: string | null;
  readonly digest: string | null;
  /** When that reference was resolved. */
  readonly resolvedAt: string | null;
  /** `done`: runs the reference rolling out; `next`: the wave whose gate decides now; `later`: after it. */
  readonly step: 'idle' | 'done' | 'next' | 'later';
}

/** Where an environment with `promotion` or `rollout` stands (the promotion engine's status). */
export interface PromotionEnvView {
  /** idle, rolling, waiting, blocked, awaiting-approval, held or stale. */
  readonly state: string;
  /** The environment it follows (`promotion.from`), else null. */
  readonly from: string | null;
  readonly soakSeconds: number | null;
  readonly pauseSeconds: number | null;
  readonly requireApproval: boolean;
  /** The reference rolling out or waiting at a gate. */
  readonly pending: { readonly ref: string; readonly tag: string | null } | null;
  /** Which Application, which state, since when; or what the move waits for. */
  readonly reason: string | null;
  /** Since when the environment stands where it does. */
  readonly since: string | null;
  /** When a gate that waits only on time opens (soak or pause end): the engine's `opensAt`. */
  readonly opensAt: string | null;
  readonly waves: readonly WaveView[];
}

export interface EnvironmentView {
  readonly environment: string;
  readonly ref: string | null;
  readonly tag: string | null;
  readonly digest: string | null;
  readonly resolvedAt: string | null;
  readonly lastCheckedAt: string | null;
  readonly platforms: readonly string[];
  readonly policy: string;
  readonly badges: readonly Badge[];
  /** The command line that explains this environment's choice (`resolve`). */
  readonly resolveCommand: string;
  /** Present for environments with `promotion` or `rollout` (then `ref` is what its clusters are served outside a rollout). */
  readonly promotion?: PromotionEnvView;
}

export interface WatchView {
  readonly name: string;
  readonly image: string;
  readonly environments: readonly EnvironmentView[];
}

export interface BudgetSample {
  /** Epoch milliseconds. */
  readonly at: number;
  /** Requests of the current budget window already spent. */
  readonly used: number;
}

export interface RegistryView {
  readonly host: string;
  readonly lastScanAt: string | null;
  readonly lastError: { readonly code: string; readonly message: string; readonly at: string } | null;
  readonly budget: number;
  /** The budget use at each change (oldest first): it stays at a sample's value until the next one. */
  readonly samples: readonly BudgetSample[];
  /** Rate limits as last sampled (GET /api/v1/registries has them in full); absent before the registry's first request. */
  readonly limits?: RegistryLimitsSummary;
}

/** A registry's rate-limit windows, its 429s and whether requests wait (the page compares `until` with its clock). */
export interface RegistryLimitsSummary {
  readonly windows: readonly { readonly window: string; readonly limit: number; readonly remaining: number; readonly windowSeconds: number }[];
  readonly refused: number;
  readonly waiting: { readonly state: string; readonly until: string | null };
}

export interface StateView {
  readonly generatedAt: string;
  readonly watches: readonly WatchView[];
  readonly registries: readonly RegistryView[];
  readonly clusters: { readonly count: number; readonly error: string | null };
}

export interface ClusterServed {
  readonly name: string;
  readonly server: string;
  readonly environment: string;
  readonly platforms: readonly string[];
  readonly ref: string | null;
  /** Why nothing (or an older reference) is served to this cluster. */
  readonly problem: string | null;
  /** 1-based wave in its environment's rollout; null without one. */
  readonly wave?: number | null;
  /** What waits to reach this cluster, and for what (a gate, an approval, an earlier wave). */
  readonly waiting?: string | null;
}

export interface HistoryItem {
  readonly environment: string;
  readonly tag: string;
  readonly digest: string;
  readonly ref: string;
  readonly resolvedAt: string;
}

/** An operator's action (hold, release, approve, promote) as the operations log records it. */
export type OperationView = Omit<OperationRecord, 'watch'>;

/** The command lines an operator runs (with an operator token) to act on one environment. */
export interface OperationCommands {
  readonly environment: string;
  readonly commands: readonly { readonly kind: string; readonly line: string }[];
}

export interface WatchDetail {
  readonly watch: WatchView;
  readonly history: readonly HistoryItem[];
  readonly clusters: readonly ClusterServed[];
  /** The operations log of this watch, newest first (read-only: the page never acts). */
  readonly operations?: readonly OperationView[];
  readonly commands?: readonly OperationCommands[];
}

export interface CandidateView {
  readonly environment: string;
  readonly verdicts: readonly { readonly tag: string; readonly outcome: string; readonly rule: string; readonly detail?: string }[];
  readonly chosen: string | null;
  readonly note: string | null;
  readonly error: string | null;
}

export interface CandidatesView {
  readonly checkedAt: string;
  readonly candidates: readonly CandidateView[];
}

/** What the Argo CD extension shows for one Application or ApplicationSet. */
export interface ExtensionView {
  readonly cluster: string | null;
  readonly watches: readonly (WatchView & { readonly served: ClusterServed | null })[];
}
