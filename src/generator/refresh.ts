// Push, not only poll: when a resolution moves (or the cluster inventory changes), ask the
// ApplicationSet controller to call us now by annotating each ApplicationSet that uses the
// change with `argocd.argoproj.io/application-set-refresh: "true"` (argocd-protocols.md A.10;
// the controller removes it after reconciling). Changes arriving close together are coalesced.
import type { CacheEntry, CacheReader } from '../cache/types.ts';
import type { ClusterSource } from '../clusters/types.ts';
import type { Config } from '../config/types.ts';
import type { KubeClient } from '../kube/types.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { usesService, usesWatch } from './usage.ts';

export const REFRESH_ANNOTATION = 'argocd.argoproj.io/application-set-refresh';

export interface RefresherOptions {
  readonly config: () => Config | undefined;
  readonly cache: CacheReader;
  readonly clusters?: Pick<ClusterSource, 'onChange'>;
  readonly kube: KubeClient;
  readonly logger: Logger;
  /** Namespaces holding ApplicationSets (default: the Argo CD namespace, else `argocd`). */
  readonly namespaces?: readonly string[];
  /** The plugin ConfigMap the ApplicationSets' configMapRef names. */
  readonly configMapName?: string;
  readonly debounceMs?: number;
  /** Called after each refresh round with the ApplicationSets patched (metrics, tests). */
  readonly onRefreshed?: (refreshed: readonly string[], failed: number) => void;
}

export interface Refresher {
  stop(): void;
  /** Resolves when the queued refresh round (if any) has finished. */
  idle(): Promise<void>;
}

export const DEFAULT_PLUGIN_CONFIGMAP = 'argocd-image-plugins';

export function startRefresher(options: RefresherOptions): Refresher {
  const log = options.logger.child({ module: 'refresh' });
  const configMapName = options.configMapName ?? DEFAULT_PLUGIN_CONFIGMAP;
  const refs = new Map<string, string | undefined>();
  for (const e of options.cache.entries()) refs.set(`${e.watch}\u0000${e.environment}`, e.current?.ref);
  let pendingWatches = new Set<string>();
  let pendingAll = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  function namespaces(config: Config): readonly string[] {
    return options.namespaces ?? [config.clusters.argocd?.namespace ?? 'argocd'];
  }

  async function round(watchNames: Set<string>, all: boolean): Promise<void> {
    const config = options.config();
    if (!config?.server.refreshApplicationSets) return;
    const watches = config.watches.filter((w) => watchNames.has(w.name));
    const refreshed: string[] = [];
    let failed = 0;
    for (const ns of namespaces(config)) {
      let appSets;
      try {
        appSets = await options.kube.listApplicationSets(ns);
      } catch (err) {
        failed += 1;
        log.warn({ namespace: ns, err: describeError(err) }, 'cannot list ApplicationSets to refresh');
        continue;
      }
      for (const a of appSets) {
        const hit = all ? usesService(a, configMapName) : watches.some((w) => usesWatch(a, w, configMapName));
        if (!hit) continue;
        try {
          await options.kube.patchApplicationSet(ns, a.metadata.name, { metadata: { annotations: { [REFRESH_ANNOTATION]: 'true' } } });
          refreshed.push(`${ns}/${a.metadata.name}`);
        } catch (err) {
          failed += 1;
          log.warn({ applicationSet: `${ns}/${a.metadata.name}`, err: describeError(err) }, 'cannot refresh ApplicationSet');
        }
      }
    }
    log.info({ watches: [...watchNames], all, refreshed, failed }, 'ApplicationSets refreshed');
    options.onRefreshed?.(refreshed, failed);
  }

  function schedule(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      const watchNames = pendingWatches;
      const all = pendingAll;
      pendingWatches = new Set();
      pendingAll = false;
      running = running.then(() => round(watchNames, all)).catch((err: unknown) => log.error({ err: describeError(err) }, 'refresh round failed'));
    }, options.debounceMs ?? 50);
  }

  function onCache(changed: readonly CacheEntry[]): void {
    for (const e of changed) {
      const key = `${e.watch}\u0000${e.environment}`;
      const ref = e.current?.ref;
      if (refs.get(key) === ref) continue;
      refs.set(key, ref);
      if (ref !== undefined) pendingWatches.add(e.watch);
    }
    if (pendingWatches.size > 0) schedule();
  }

  const unsubscribe = [options.cache.onChange(onCache)];
  let seenInventory: number | undefined;
  if (options.clusters) {
    unsubscribe.push(
      options.clusters.onChange((inv) => {
        if (!inv.loaded) return;
        if (seenInventory !== undefined && seenInventory !== inv.revision) {
          pendingAll = true;
          schedule();
        }
        seenInventory = inv.revision;
      }),
    );
  }

  return {
    stop() {
      for (const u of unsubscribe) u();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    async idle() {
      while (timer) await new Promise((r) => setTimeout(r, 10));
      await running;
    },
  };
}
