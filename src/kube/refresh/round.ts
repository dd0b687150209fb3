// One refresh round: list the ApplicationSets in each namespace, pick those that use the changed
// watches (or the service at all), and annotate each with
// `argocd.argoproj.io/application-set-refresh: "true"` by merge patch (the ApplicationSet
// controller reconciles at once and removes the annotation). A failed list or patch is logged and
// counted; the others still go through.
import type { Config } from '../../config/types.ts';
import { usesService, usesWatch } from '../../generator/usage.ts';
import { describeError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import type { ApplicationSetObject, KubeClient } from '../types.ts';
import type { PendingRefresh } from './changes.ts';

export const REFRESH_ANNOTATION = 'argocd.argoproj.io/application-set-refresh';

export interface RoundDeps {
  readonly kube: Pick<KubeClient, 'listApplicationSets' | 'patchApplicationSet'>;
  readonly log: Logger;
  readonly configMapName: string;
}

export interface RoundResult {
  readonly refreshed: readonly string[];
  readonly failed: number;
}

/** The ApplicationSets in `namespace` that this round refreshes (undefined when they cannot be listed). */
async function targetsIn(deps: RoundDeps, config: Config, namespace: string, pending: PendingRefresh): Promise<ApplicationSetObject[] | undefined> {
  let appSets;
  try {
    appSets = await deps.kube.listApplicationSets(namespace);
  } catch (err) {
    deps.log.warn({ namespace, err: describeError(err) }, 'cannot list ApplicationSets to refresh');
    return undefined;
  }
  const watches = config.watches.filter((w) => pending.watches.has(w.name));
  return appSets.filter((a) => (pending.all ? usesService(a, deps.configMapName) : watches.some((w) => usesWatch(a, w, deps.configMapName))));
}

export async function refreshRound(deps: RoundDeps, config: Config, namespaces: readonly string[], pending: PendingRefresh): Promise<RoundResult> {
  const refreshed: string[] = [];
  let failed = 0;
  for (const namespace of namespaces) {
    const targets = await targetsIn(deps, config, namespace, pending);
    if (!targets) {
      failed += 1;
      continue;
    }
    for (const a of targets) {
      const name = `${namespace}/${a.metadata.name}`;
      try {
        await deps.kube.patchApplicationSet(namespace, a.metadata.name, { metadata: { annotations: { [REFRESH_ANNOTATION]: 'true' } } });
        refreshed.push(name);
      } catch (err) {
        failed += 1;
        deps.log.warn({ applicationSet: name, err: describeError(err) }, 'cannot refresh ApplicationSet');
      }
    }
  }
  deps.log.info({ watches: [...pending.watches], all: pending.all, refreshed, failed }, 'ApplicationSets refreshed');
  return { refreshed, failed };
}
