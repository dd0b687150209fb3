// A target cluster as the generator sees it: the identity Argo CD's cluster generator emits
// (applicationset/generators/cluster.go, getClusterParameters) plus where it came from.

export type ClusterOrigin = 'static' | 'secret';

export interface Cluster {
  /** Secret data `name` (not the Secret's metadata.name), or the static entry's name. */
  readonly name: string;
  readonly server: string;
  /** Secret data `project`, else "". */
  readonly project: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly origin: ClusterOrigin;
}

/** The clusters the generator answers for, with the state of the last read. */
export interface ClusterInventory {
  /** Increases whenever `clusters` changes; parameter sets are rebuilt when it moves. */
  readonly revision: number;
  /** Sorted by name; empty until the first successful read. */
  readonly clusters: readonly Cluster[];
  /** True once a read has succeeded (static-only inventories are loaded at once). */
  readonly loaded: boolean;
  /** ISO time of the last successful read. */
  readonly loadedAt?: string;
  /** Set while the last read failed; the last good `clusters` are kept beside it. */
  readonly error?: { readonly code: string; readonly message: string; readonly at: string };
}

/** Where the generator gets its clusters; see source.ts. */
export interface ClusterSource {
  inventory(): ClusterInventory;
  /** Reads the inventory now (the loop calls this; tests and webhooks may too). */
  refresh(): Promise<ClusterInventory>;
  /** Starts the re-list loop; the first read happens at once. */
  start(): void;
  stop(): void;
  onChange(listener: (inventory: ClusterInventory) => void): () => void;
}
