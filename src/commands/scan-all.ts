// Resolve watches once, now, with the service's own scan code and an empty (or given) cache: what
// `resolve` explains and what `check-config --online` checks. I/O at the edge: it talks to the
// registries the config names, and nowhere else.
import { DEFAULT_ENVIRONMENT, type Config } from '../config/types.ts';
import type { Logger } from '../shared/log.ts';
import { systemClock } from '../shared/clock.ts';
import type { ResolutionCache } from '../cache/store.ts';
import { createResolutionCache } from '../cache/store.ts';
import { createMetadataStore, type MetadataStore } from '../cache/metadata.ts';
import { createClientPool } from '../poller/clients.ts';
import { planRepositories } from '../poller/plan.ts';
import { scanRepository, type ScanDeps, type ScanReport } from '../poller/scan.ts';
import { createGate } from '../verify/gate.ts';
import { authProvider } from '../registry/credentials.ts';
import { lazyObjectClient } from '../kube/object-access.ts';
import { createPullSecretWatch } from '../kube/pull-secrets.ts';

export interface ScanAllOptions {
  readonly logger: Logger;
  /** Only these watches (all when absent). */
  readonly watches?: ReadonlySet<string>;
  readonly environment?: string;
  readonly cache?: ResolutionCache;
  readonly metadata?: MetadataStore;
  /** Holds taken as operations (from the service's persisted state, `resolve --cache`). */
  readonly operationHold?: ScanDeps['operationHold'];
}

export async function scanAll(config: Config, options: ScanAllOptions): Promise<ScanReport[]> {
  const { logger, watches, environment } = options;
  const cache = options.cache ?? createResolutionCache();
  const metadata = options.metadata ?? createMetadataStore();
  // An environment that exists only under `environments:` (promotion, rollout) resolves with the watch's default rule.
  const scanned = (w: Config['watches'][number]): string | undefined =>
    environment === undefined || Object.hasOwn(w.environments, environment) || !Object.hasOwn(config.environments, environment) ? environment : DEFAULT_ENVIRONMENT;
  const plans = planRepositories(config)
    .map((p) => ({ ...p, targets: p.targets.filter((t) => (!watches || watches.has(t.watch.name)) && (!environment || t.environment === scanned(t.watch))) }))
    .filter((p) => p.targets.length > 0);
  // Pull Secrets are read once through the API (kubeconfig of clusters.argocd, else the service account);
  // nothing connects when no registry names one.
  const objects = lazyObjectClient(() => config.clusters.argocd?.kubeconfig);
  const pullSecrets = createPullSecretWatch({ objects: objects.objects, logger });
  pullSecrets.update(config.registries);
  await pullSecrets.settled();
  const pool = createClientPool(config, { logger, clock: systemClock, pullSecrets: pullSecrets.read });
  const auth = new Map(config.registries.map((r) => [r.host, authProvider(r.auth)]));
  const reports: ScanReport[] = [];
  try {
    const gate = createGate({ clock: systemClock });
    for (const plan of plans) {
      const report = await scanRepository({ client: pool.clientFor(plan.registry), cache, metadata, clock: systemClock, logger, explain: true, gate, ...(options.operationHold && { operationHold: options.operationHold }) }, plan);
      reports.push({ ...report, auth: auth.get(plan.registry) ?? 'anonymous' });
    }
  } finally {
    pullSecrets.close();
    await Promise.all([pool.close(), objects.close()]);
  }
  return reports;
}
