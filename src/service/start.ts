// The generator service as a value: `startService` loads and follows the config, restores the
// persisted cache, builds the poller, the cluster inventory and the HTTP app, listens, and only
// then starts polling. It returns a handle whose `close()` stops taking requests, aborts scans and
// writes the cache. When the service cannot listen (address in use, an address this host does not
// have), everything already started is stopped again and the error is thrown, so `serve` exits
// non-zero at once instead of polling without answering. Tests start and stop it in-process.
import type { FastifyInstance } from 'fastify';
import { createClusterSource } from '../clusters/source.ts';
import type { ClusterSource } from '../clusters/types.ts';
import { createKubeAccess, type KubeAccess } from '../kube/access.ts';
import { clusterSecretReader } from '../kube/cluster-secrets.ts';
import type { KubeClient } from '../kube/types.ts';
import type { ObjectClient } from '../kube/objects.ts';
import { lazyObjectClient, type LazyObjects } from '../kube/object-access.ts';
import { createPullSecretWatch, type PullSecretWatch } from '../kube/pull-secrets.ts';
import { createClientPool, type ClientPool } from '../poller/clients.ts';
import { createUsageBook, type UsageBook } from '../poller/usage.ts';
import { buildService } from '../server/app.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import { openReplicaState } from './replica-state.ts';
import type { HaSettings } from '../ha/settings.ts';
import { openConfigState, type ConfigState } from './config-state.ts';
import { openResolutionState, type ResolutionState } from './resolution-state.ts';
import { createStartupChecks, type StartupChecks } from './startup-checks.ts';
import { createExplainer } from '../ui/explain.ts';
import { watchApplications, type ApplicationsWatch } from '../kube/applications.ts';
import { startPromotionRuntime, type PromotionRuntime } from './promotion.ts';

export interface ServiceOptions {
  readonly configPath: string;
  /** Overrides `server.host`/`server.port` (port 0 picks a free one). */
  readonly listen?: { readonly host: string; readonly port: number };
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly env?: NodeJS.ProcessEnv;
  /** Makes the Kubernetes client (tests bind it to a loopback API peer). */
  readonly connectKube?: (kubeconfig: string | undefined) => KubeClient;
  /** Run as one of several replicas sharing their state through the Kubernetes API (`serve --ha`). */
  readonly ha?: HaSettings;
  /** Makes the object client that reads pull Secrets (tests bind it to a loopback API peer). */
  readonly connectObjects?: (kubeconfig: string | undefined) => ObjectClient;
}

export interface ServiceHandle {
  /** `http://host:port` the service listens on. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly config: ConfigState;
  /** Stops taking requests, stops the poller and the cluster reader, writes the cache. Idempotent. */
  close(): Promise<void>;
}

interface Parts {
  readonly config: ConfigState;
  readonly checks: StartupChecks;
  readonly pool: ClientPool;
  readonly kube: KubeAccess;
  readonly state: ResolutionState;
  readonly clusters: ClusterSource;
  readonly pullSecrets: PullSecretWatch;
  readonly objects: LazyObjects;
  readonly promotion?: PromotionRuntime;
  readonly applications?: ApplicationsWatch;
  /** When clusters last asked for each watch (getparams), for the poller's order under a short rate limit. */
  readonly usage: UsageBook;
}

/** Builds every part from the config in force; nothing runs yet. */
async function assemble(options: ServiceOptions, clock: Clock): Promise<Parts> {
  const { logger } = options;
  const config = await openConfigState(options.configPath, logger);
  const checks = createStartupChecks(logger, options.env);
  checks.check(config.current());
  const objects = lazyObjectClient(() => config.current().clusters.argocd?.kubeconfig, options.connectObjects);
  const pullSecrets = createPullSecretWatch({ objects: objects.objects, logger });
  pullSecrets.update(config.current().registries);
  const usage = createUsageBook(clock);
  const pool = createClientPool(config.current(), { logger, clock, pullSecrets: pullSecrets.read, ...(options.env && { env: options.env }) });
  const state = options.ha ? await openReplicaState({ config, pool, logger, clock, settings: options.ha, ...(options.env && { env: options.env }) }) : await openResolutionState({ config, pool, logger, clock, usage });
  const kube = createKubeAccess({ config: config.current, logger, ...(options.connectKube && { connect: options.connectKube }) });
  kube.unavailable();
  const clusters = createClusterSource({ config: () => config.current().clusters, readSecrets: clusterSecretReader(kube, logger), logger, clock });
  config.onChange((next) => {
    checks.check(next);
    pullSecrets.update(next.registries);
    pool.update(next);
    state.updateConfig(next);
    kube.unavailable();
    void clusters.refresh();
  });
  const promoted = startPromotion(options, clock, config, state, clusters, objects);
  config.onChange(() => promoted?.promotion.request());
  return { config, checks, pool, kube, state, clusters, pullSecrets, objects, usage, ...promoted };
}

/**
 * Progressive delivery, when the config has environments with a promotion or a rollout: Applications
 * read from the Argo CD namespace (clusters.argocd.namespace, else argocd) with the same kubeconfig,
 * and the engine run on every change. The namespaces are read at start.
 */
function startPromotion(options: ServiceOptions, clock: Clock, config: ConfigState, state: ResolutionState, clusters: ClusterSource, objects: LazyObjects): { promotion: PromotionRuntime; applications: ApplicationsWatch } | undefined {
  const environments = Object.values(config.current().environments);
  if (!environments.some((e) => e.promotion || e.rollout)) return undefined;
  const namespace = config.current().clusters.argocd?.namespace ?? 'argocd';
  const applications = watchApplications({ objects: objects.objects, namespaces: [namespace], clock, logger: options.logger });
  const promotion = startPromotionRuntime({
    config: config.current,
    cache: state.cache,
    clusters,
    applications: () => applications,
    ...(state.restoredPromotion && { restored: state.restoredPromotion }),
    ...(state.sharedPromotion && state.leads && { shared: state.sharedPromotion, leads: state.leads }),
    operations: state.operations.log,
    persist: (next) => state.persistPromotion(next),
    clock,
    logger: options.logger,
  });
  return { promotion, applications };
}

async function stopParts(parts: Parts, app: FastifyInstance): Promise<void> {
  await app.close();
  parts.promotion?.stop();
  parts.applications?.stop();
  await parts.promotion?.idle();
  await parts.state.stop();
  parts.clusters.stop();
  parts.pullSecrets.close();
  parts.config.close();
  await Promise.all([parts.pool.close(), parts.kube.close(), parts.objects.close()]);
}

export async function startService(options: ServiceOptions): Promise<ServiceHandle> {
  const clock = options.clock ?? systemClock;
  const parts = await assemble(options, clock);
  const { config, state, clusters, pool } = parts;
  const { app } = await buildService({
    logger: options.logger,
    config: config.current,
    configError: config.error,
    cache: state.cache,
    poller: state.poller,
    clusters,
    kube: parts.kube,
    clock,
    problems: parts.checks.problems,
    stateRevision: state.revision,
    ...(options.ha && { shared: true }),
    registryStats: () => new Map(pool.clients().map((c) => [c.host, c.stats()])),
    usage: parts.usage,
    ...(state.verifyCounters && { verifyCounters: state.verifyCounters }),
    ...(parts.promotion && { promotion: parts.promotion, promotionStates: parts.promotion.status }),
    explain: createExplainer({ config: config.current, clientFor: (h) => pool.clientFor(h), cache: state.cache, metadata: state.metadata, clock, logger: options.logger }),
    operations: state.operations,
    ...(state.leads && { leads: state.leads }),
    ...(options.env && { env: options.env }),
  });
  const listen = options.listen ?? { host: config.current().server.host, port: config.current().server.port };
  let url: string;
  try {
    url = await app.listen({ host: listen.host, port: listen.port });
  } catch (err) {
    await stopParts(parts, app);
    throw err;
  }
  clusters.start();
  // The first scans need the pull Secrets' credentials: wait for their first read (bounded by the API timeout).
  await parts.pullSecrets.settled();
  state.start();
  options.logger.info({ url, watches: config.current().watches.length, clusters: clusters.inventory().clusters.length }, 'listening');
  let closing: Promise<void> | undefined;
  return { url, app, config, close: () => (closing ??= stopParts(parts, app)) };
}
