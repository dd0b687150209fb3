// Push, not only poll: when a resolution moves (or the cluster inventory changes), ask the
// ApplicationSet controller to call us now (round.ts). Changes arriving within `debounceMs` are
// coalesced into one round; rounds run one after another. The namespaces and the client are read
// from the config in force at each round, so a reload that changes them takes effect at once.
import type { CacheReader } from '../../cache/types.ts';
import type { ClusterSource } from '../../clusters/types.ts';
import type { Config } from '../../config/types.ts';
import type { PromotionSource } from '../../promotion/types.ts';
import { describeError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import type { KubeClient } from '../types.ts';
import { createChangeTracker } from './changes.ts';
import { refreshRound } from './round.ts';

export { REFRESH_ANNOTATION } from './round.ts';

export const DEFAULT_PLUGIN_CONFIGMAP = 'argocd-image-plugins';

export interface RefresherOptions {
  readonly config: () => Config | undefined;
  readonly cache: CacheReader;
  readonly clusters?: Pick<ClusterSource, 'onChange'>;
  /** A wave or an environment that moves refreshes the ApplicationSets of its watch. */
  readonly promotion?: Pick<PromotionSource, 'addListener'>;
  /** The client; `unavailable()` (kube/access.ts) skips rounds quietly while the API cannot be reached. */
  readonly kube: Pick<KubeClient, 'listApplicationSets' | 'patchApplicationSet'> & { unavailable?: () => string | undefined };
  readonly logger: Logger;
  /** Namespaces holding ApplicationSets (default: the Argo CD namespace of the config in force, else `argocd`). */
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

export function startRefresher(options: RefresherOptions): Refresher {
  const deps = { kube: options.kube, log: options.logger.child({ module: 'refresh' }), configMapName: options.configMapName ?? DEFAULT_PLUGIN_CONFIGMAP };
  const tracker = createChangeTracker(options.cache.entries());
  let timer: NodeJS.Timeout | undefined;
  let queued: Promise<void> | undefined;
  /** Settles `queued` early when the refresher stops before the timer fires. */
  let release: (() => void) | undefined;
  let running: Promise<void> = Promise.resolve();

  async function round(): Promise<void> {
    const pending = tracker.take();
    const config = options.config();
    if (!config?.server.refreshApplicationSets || options.kube.unavailable?.() !== undefined) return;
    const namespaces = options.namespaces ?? [config.clusters.argocd?.namespace ?? 'argocd'];
    const result = await refreshRound(deps, config, namespaces, pending);
    options.onRefreshed?.(result.refreshed, result.failed);
  }

  function schedule(): void {
    if (timer) return;
    queued = new Promise<void>((resolve) => {
      release = resolve;
      timer = setTimeout(() => {
        timer = undefined;
        running = running.then(round).catch((err: unknown) => deps.log.error({ err: describeError(err) }, 'refresh round failed'));
        void running.then(resolve);
      }, options.debounceMs ?? 50);
    });
  }

  const unsubscribe = [options.cache.onChange((changed) => tracker.onCache(changed) && schedule())];
  if (options.clusters) unsubscribe.push(options.clusters.onChange((inventory) => tracker.onInventory(inventory) && schedule()));
  if (options.promotion) {
    unsubscribe.push(options.promotion.addListener({ onChanges: (changes) => tracker.onWatches(changes.filter((c) => c.kind === 'moved' || c.kind === 'held').map((c) => c.watch)) && schedule() }));
  }

  return {
    stop() {
      for (const u of unsubscribe) u();
      if (timer) clearTimeout(timer);
      timer = undefined;
      release?.();
    },
    async idle() {
      await queued;
      await running;
    },
  };
}
