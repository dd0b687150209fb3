// The JSON the status page and the Argo CD extension read. Shared by the service (src/ui) and
// the browser code (web/), so both sides change together.

export interface Badge {
  readonly kind: 'stale' | 'held' | 'blocked';
  readonly reason: string;
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
  readonly samples: readonly BudgetSample[];
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
}

export interface HistoryItem {
  readonly environment: string;
  readonly tag: string;
  readonly digest: string;
  readonly ref: string;
  readonly resolvedAt: string;
}

export interface WatchDetail {
  readonly watch: WatchView;
  readonly history: readonly HistoryItem[];
  readonly clusters: readonly ClusterServed[];
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
