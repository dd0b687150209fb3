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

/** What the last read of Argo CD's cluster Secrets left. */
interface SecretRead {
  clusters: readonly Cluster[];
  loadedAt?: string;
  error?: ClusterInventory['error'];
}

/** The inventory for `config` and the last Secret read; the revision moves only when the clusters do. Pure. */
function buildInventory(config: ClustersConfig, secrets: SecretRead, previous: ClusterInventory, previousKey: string, now: () => string): { inventory: ClusterInventory; key: string } {
  const usesSecrets = config.argocd !== undefined;
  const clusters = mergeClusters([staticClusters(config), usesSecrets ? secrets.clusters : []]);
  const loaded = !usesSecrets || secrets.loadedAt !== undefined;
  const key = JSON.stringify(clusters);
  const revision = key === previousKey ? previous.revision : previous.revision + 1;
  const loadedAt = usesSecrets ? secrets.loadedAt : previous.loadedAt ?? now();
  const { error } = secrets;
  return { key, inventory: { revision, clusters, loaded, ...(loadedAt && { loadedAt }), ...(usesSecrets && error && { error }) } };
}

/** Runs `task` at once, then again `intervalMs` after each run ends, until stopped. */
function repeating(task: () => Promise<unknown>, intervalMs: number): { start(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const loop = (): void => {
    void task().finally(() => {
      if (timer) timer = setTimeout(loop, intervalMs);
    });
  };
  return {
    start() {
      if (timer) return;
      timer = setTimeout(loop, 0);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

export function createClusterSource(options: ClusterSourceOptions): ClusterSource {
  const log = options.logger.child({ module: 'clusters' });
  const intervalMs = options.intervalMs ?? 30_000;
  const listeners = new Set<(inventory: ClusterInventory) => void>();
  const secrets: SecretRead = { clusters: [] };
  const now = (): string => new Date(options.clock.now()).toISOString();
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
    const { inventory: next, key } = buildInventory(config, secrets, current, lastKey, now);
    lastKey = key;
    const changed = next.revision !== current.revision || next.loaded !== current.loaded || next.error !== current.error;
    current = next;
    if (changed) for (const l of listeners) l(next);
    return next;
  }

  async function readSecrets(config: ClustersConfig): Promise<void> {
    const argocd = config.argocd!;
    if (!options.readSecrets) throw new Error('clusters.argocd is set but no Kubernetes client could be made');
    secrets.clusters = await options.readSecrets(argocd.namespace);
    secrets.loadedAt = now();
    delete secrets.error;
    stateVersion += 1;
  }

  async function refresh(): Promise<ClusterInventory> {
    const config = options.config();
    if (config?.argocd) {
      try {
        await readSecrets(config);
      } catch (err) {
        const code: ErrorCode = isAppError(err) ? err.code : 'CLUSTERS_UNREADABLE';
        secrets.error = { code, message: describeError(err), at: now() };
        stateVersion += 1;
        log.error({ code, err: describeError(err), namespace: config.argocd.namespace }, 'cluster secrets unreadable; keeping the last good inventory');
      }
    }
    return compute();
  }

  const relist = repeating(refresh, intervalMs);
  return {
    inventory: compute,
    refresh,
    start: relist.start,
    stop: relist.stop,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
