// The cluster inventory: the config's static list plus, when `clusters.argocd` is set, Argo CD's
// cluster Secrets (label argocd.argoproj.io/secret-type=cluster) re-listed on an interval. A failed
// read keeps the last good clusters and records the error beside them; the generator decides what
// an error means for a request (it refuses to answer rather than guess).
import type { ErrorCode } from '../shared/error-codes.ts';
import type { ClustersConfig } from '../config/types.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import { describeError, isAppError } from '../shared/errors.ts';
import type { Cluster, ClusterInventory, ClusterSource } from './types.ts';

export interface ClusterSourceOptions {
  readonly config: () => ClustersConfig | undefined;
  /** Reads Argo CD's cluster Secrets in a namespace (kube/cluster-secrets.ts); needed for `clusters.argocd`. */
  readonly readSecrets?: (namespace: string) => Promise<readonly Cluster[]>;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Time between re-lists of the cluster Secrets. */
  readonly intervalMs?: number;
}

function staticClusters(config: ClustersConfig): Cluster[] {
  return config.static.map((c) => ({ name: c.name, server: c.server, project: c.project, labels: c.labels, annotations: c.annotations, origin: 'static' as const }));
}

/** Static entries first, then Secrets; the same `name` collapses to the last one, as in Argo CD. */
export function mergeClusters(lists: readonly (readonly Cluster[])[]): Cluster[] {
  const byName = new Map<string, Cluster>();
  for (const list of lists) for (const c of list) byName.set(c.name, c);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function createClusterSource(options: ClusterSourceOptions): ClusterSource {
  const log = options.logger.child({ module: 'clusters' });
  const intervalMs = options.intervalMs ?? 30_000;
  const listeners = new Set<(inventory: ClusterInventory) => void>();
  let secretClusters: readonly Cluster[] = [];
  let secretsLoadedAt: string | undefined;
  let error: ClusterInventory['error'];
  let timer: NodeJS.Timeout | undefined;
  let current: ClusterInventory = { revision: 0, clusters: [], loaded: false };
  let lastKey = '';
  // inventory() runs on every request: recompute only when the config or the Secret read changed.
  let stateVersion = 0;
  let computedFor: { config: ClustersConfig; version: number } | undefined;

  function compute(): ClusterInventory {
    const config = options.config();
    if (!config) return current;
    if (computedFor && computedFor.config === config && computedFor.version === stateVersion) return current;
    computedFor = { config, version: stateVersion };
    const usesSecrets = config.argocd !== undefined;
    const clusters = mergeClusters([staticClusters(config), usesSecrets ? secretClusters : []]);
    const loaded = !usesSecrets || secretsLoadedAt !== undefined;
    const key = JSON.stringify(clusters);
    const revision = key === lastKey ? current.revision : current.revision + 1;
    lastKey = key;
    const loadedAt = usesSecrets ? secretsLoadedAt : current.loadedAt ?? new Date(options.clock.now()).toISOString();
    const next: ClusterInventory = { revision, clusters, loaded, ...(loadedAt && { loadedAt }), ...(usesSecrets && error && { error }) };
    const changed = revision !== current.revision || next.loaded !== current.loaded || next.error !== current.error;
    current = next;
    if (changed) for (const l of listeners) l(next);
    return next;
  }

  async function readSecrets(config: ClustersConfig): Promise<void> {
    const argocd = config.argocd!;
    if (!options.readSecrets) throw new Error('clusters.argocd is set but no Kubernetes client could be made');
    secretClusters = await options.readSecrets(argocd.namespace);
    secretsLoadedAt = new Date(options.clock.now()).toISOString();
    error = undefined;
    stateVersion += 1;
  }

  async function refresh(): Promise<ClusterInventory> {
    const config = options.config();
    if (config?.argocd) {
      try {
        await readSecrets(config);
      } catch (err) {
        const code: ErrorCode = isAppError(err) ? err.code : 'CLUSTERS_UNREADABLE';
        error = { code, message: describeError(err), at: new Date(options.clock.now()).toISOString() };
        stateVersion += 1;
        log.error({ code, err: describeError(err), namespace: config.argocd.namespace }, 'cluster secrets unreadable; keeping the last good inventory');
      }
    }
    return compute();
  }

  return {
    inventory: compute,
    refresh,
    start() {
      if (timer) return;
      const loop = (): void => {
        void refresh().finally(() => {
          if (timer) timer = setTimeout(loop, intervalMs);
        });
      };
      timer = setTimeout(loop, 0);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
