// The HTTP service as a Fastify instance that never listens (serve.ts does): getparams, images,
// webhooks, health, metrics, and the ApplicationSet refresher that lives as long as the app.
// Every dependency is passed in; tests build it with real parts and close it in t.after.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { CacheReader } from '../cache/types.ts';
import type { ClusterSource } from '../clusters/types.ts';
import type { Config } from '../config/types.ts';
import type { PollerHandle } from '../poller/types.ts';
import type { RegistryStats } from '../registry/types.ts';
import type { UsageBook } from '../poller/usage.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import { createAnswerBook } from '../generator/answers.ts';
import { registerGetParams } from '../generator/routes.ts';
import { startRefresher, type Refresher, type RefresherOptions } from '../kube/refresh/refresher.ts';
import { createServiceMetrics, type ServiceMetrics } from '../metrics/metrics.ts';
import type { GateCounters } from '../verify/types.ts';
import { registerWebhooks } from '../webhooks/routes.ts';
import { createTokenCheck } from './auth.ts';
import { installErrorHandler } from './errors-handler.ts';
import { serverError } from '../shared/http-errors.ts';
import { registerHealth } from './health.ts';
import { registerImages } from './images.ts';
import { registerRegistries } from './registries.ts';
import { refuseRepeatedParameters } from './query.ts';
import { limitConnections, timeoutOptions } from './connections.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { registerUi } from '../ui/plugin.ts';
import type { Explainer } from '../ui/explain.ts';
import { createOperatorCheck } from '../operations/auth.ts';
import { registerOperations } from '../operations/routes.ts';
import type { Operations } from '../operations/service.ts';
import type { PromotionStatusReader } from '../operations/types.ts';
import type { PromotionState } from '../metrics/promotion.ts';
import type { KubeClient } from '../kube/types.ts';
import { startEvents, type ServiceEvents } from './events.ts';
import type { PromotionSource } from '../promotion/types.ts';
import { promotionEventListener } from '../operations/promotion-events.ts';
import { holdInEffect } from '../operations/effect.ts';

export interface AppDeps {
  readonly logger: Logger;
  /** The current valid config (the last good one while the file is invalid). */
  readonly config: () => Config | undefined;
  /** Set while the config file is invalid; getparams and images then answer 503 with it. */
  readonly configError: () => string | undefined;
  readonly cache: CacheReader;
  readonly poller: Pick<PollerHandle, 'rescan' | 'isReady'>;
  readonly clusters: Pick<ClusterSource, 'inventory' | 'onChange'>;
  /** Needed to refresh ApplicationSets (server.refreshApplicationSets) and to record Events on them. */
  readonly kube?: RefresherOptions['kube'] & Partial<Pick<KubeClient, 'createEvent' | 'patchEvent'>>;
  /** True on the replica that writes the state (Events are recorded by that one only; default true). */
  readonly leads?: () => boolean;
  readonly clock: Clock;
  /** Registry client statistics by host, for /metrics and /api/v1/registries. */
  readonly registryStats?: () => ReadonlyMap<string, RegistryStats>;
  /** Records which watches getparams requests select (the poller serves them first under a short rate limit). */
  readonly usage?: UsageBook;
  /** Signature verdicts since start (verified, refused, lookup failures). */
  readonly verifyCounters?: () => Readonly<GateCounters>;
  readonly refresh?: { readonly namespaces?: readonly string[]; readonly configMapName?: string; readonly debounceMs?: number };
  /** How long a read token is trusted before its file is read again (default 2 s). */
  readonly tokenTtlMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Problems found in the config's files and variables, listed by /readyz. */
  readonly problems?: () => readonly { readonly field: string; readonly message: string }[];
  /** The revision of the state answers are computed from (default: the cache's own revision). */
  readonly stateRevision?: () => number | undefined;
  /**
   * Set when this replica serves a state shared by several (`serve --ha`): until it has one, getparams
   * and images answer 503, never an empty or older list.
   */
  readonly shared?: boolean;
  /** Candidate tags with verdicts for the status page (reads the registry; the running service only). */
  readonly explain?: Explainer;
  /** Holds, releases, approvals and promotions taken through the operations API (operator tokens). */
  readonly operations?: Operations;
  /** The promotion engine's latest status per watch and environment, for /metrics. */
  readonly promotionStates?: () => readonly PromotionState[];
  /** Progressive delivery: what each cluster is served, where each environment stands (also read by the operations status). */
  readonly promotion?: PromotionSource & PromotionStatusReader;
}

/** The response header naming the state revision an answer was computed from. */
export const STATE_REVISION_HEADER = 'x-state-revision';

const NO_SHARED_STATE = 'this replica has not received the shared state from the leader yet; Argo CD retries, or ask another replica';

/**
 * How long an idle keep-alive connection stays open. Argo CD's ApplicationSet controller calls us
 * through Go's net/http, whose default Transport keeps idle connections for 90 s (IdleConnTimeout)
 * and reuses them: if we closed first, a request sent on a connection we are closing at that moment
 * fails with a connection reset. Staying open longer than the client makes the client the one
 * that closes.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;

export interface App {
  readonly app: FastifyInstance;
  readonly metrics: ServiceMetrics;
  readonly refresher?: Refresher;
  /** Kubernetes Events on ApplicationSets (when the service can reach them); the promotion engine emits moves and blocks here. */
  readonly events?: ServiceEvents;
}

function eventsFor(app: FastifyInstance, deps: AppDeps): ServiceEvents | undefined {
  const kube = deps.kube;
  if (!kube?.createEvent || !kube.patchEvent) return undefined;
  const events = startEvents({ kube: { listApplicationSets: (ns) => kube.listApplicationSets(ns), createEvent: kube.createEvent, patchEvent: kube.patchEvent }, config: deps.config, cache: deps.cache, clock: deps.clock, logger: deps.logger, ...(deps.operations && { operations: deps.operations.log }), ...(deps.refresh && { refresh: deps.refresh }), ...(deps.leads && { leads: deps.leads }), ...(deps.env && { env: deps.env }) });
  const log = deps.operations?.log;
  const operationHeld = (watch: string, environment: string): boolean => log !== undefined && holdInEffect(log.active(new Date(deps.clock.now())), watch, environment) !== undefined;
  const unforward = deps.promotion?.addListener(promotionEventListener(events, operationHeld));
  app.addHook('onClose', async () => {
    unforward?.();
    events.stop();
    await events.idle();
  });
  return events;
}

/** The 503 answered while the config file is invalid (or none was loaded), else undefined. */
function configProblemOf(deps: AppDeps): Error | undefined {
  const problem = deps.configError();
  if (problem !== undefined || !deps.config()) return serverError('NOT_READY', `the service config is invalid: ${problem ?? 'no config loaded'}`);
  return undefined;
}

async function registerOperationsApi(app: FastifyInstance, deps: AppDeps, operations: Operations, unavailable: () => Error | undefined): Promise<void> {
  const check = createOperatorCheck({ config: deps.config, clock: deps.clock, ...(deps.tokenTtlMs !== undefined && { ttlMs: deps.tokenTtlMs }), ...(deps.env && { env: deps.env }) });
  await registerOperations(app, { config: deps.config, cache: deps.cache, clock: deps.clock, operations, check, unavailable, ...(deps.promotion && { promotion: deps.promotion }) });
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  return (await buildService(deps)).app;
}

/** buildApp with its parts exposed (metrics registry, refresher) for tests and the benchmark. */
export async function buildService(deps: AppDeps): Promise<App> {
  // Per-request log lines are off: getparams is called often and answers from memory; refusals
  // are logged by the error handler, and /metrics carries the latencies.
  // Fastify's Ajv coerces types by default (a number becomes a string): a malformed request must be a
  // 400 naming the field, never silently reinterpreted.
  const server = deps.config()?.server;
  const limits = { headersTimeoutMs: (server?.headersTimeoutSeconds ?? DEFAULTS.headersTimeoutSeconds) * 1000, requestTimeoutMs: (server?.requestTimeoutSeconds ?? DEFAULTS.requestTimeoutSeconds) * 1000, maxUnauthenticated: server?.maxUnauthenticatedConnections ?? DEFAULTS.maxUnauthenticatedConnections };
  // Stated as Fastify's own logger type, so the instance is the FastifyInstance every route module takes.
  const httpLogger: FastifyBaseLogger = deps.logger.child({ module: 'http' });
  const app: FastifyInstance = Fastify({
    loggerInstance: httpLogger,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    ajv: { customOptions: { coerceTypes: false } },
    ...timeoutOptions(limits),
  });
  limitConnections(app, limits, deps.logger.child({ module: 'http' }));
  installErrorHandler(app);
  refuseRepeatedParameters(app);
  const metrics = createServiceMetrics({ config: deps.config, cache: deps.cache, clusters: deps.clusters, clock: deps.clock, ...(deps.registryStats && { registryStats: deps.registryStats }), ...(deps.verifyCounters && { verifyCounters: deps.verifyCounters }), ...(deps.operations && { operations: deps.operations.log }), ...(deps.promotionStates && { promotion: deps.promotionStates }) });
  app.addHook('onResponse', async (request, reply) => {
    metrics.requestDuration.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  const checkToken = createTokenCheck({ source: () => deps.config()?.server.token, clock: deps.clock, ...(deps.tokenTtlMs !== undefined && { ttlMs: deps.tokenTtlMs }), ...(deps.env && { env: deps.env }) });
  const configProblem = (): Error | undefined => configProblemOf(deps);

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const refused = checkToken(request.headers.authorization);
      if (refused) throw refused;
      const revision = deps.stateRevision ? deps.stateRevision() : deps.cache.revision;
      if (deps.shared && revision === undefined) throw serverError('NOT_READY', NO_SHARED_STATE);
      if (revision !== undefined) void reply.header(STATE_REVISION_HEADER, String(revision));
    });
    registerGetParams(scope, createAnswerBook({ ...deps, observeAnswer: (from) => metrics.getParamsAnswers.inc({ from }) }), (outcome) => metrics.getParams.inc({ outcome }));
    registerImages(scope, { config: deps.config, cache: deps.cache, clock: deps.clock, unavailable: configProblem, ...(deps.promotion && { promotion: deps.promotion }) });
    registerRegistries(scope, { config: deps.config, clock: deps.clock, unavailable: configProblem, ...(deps.registryStats && { stats: deps.registryStats }) });
  });
  await registerWebhooks(app, { config: deps.config, poller: deps.poller, logger: deps.logger, clock: deps.clock, metrics, ...(deps.env && { env: deps.env }) });
  if (deps.operations) await registerOperationsApi(app, deps, deps.operations, configProblem);
  registerHealth(app, deps);
  await registerUi(app, { config: deps.config, cache: deps.cache, clusters: deps.clusters, clock: deps.clock, ...(deps.registryStats && { registryStats: deps.registryStats }), ...(deps.explain && { explain: deps.explain }), ...(deps.env && { env: deps.env }), ...(deps.promotion && { promotion: deps.promotion }), ...(deps.operations && { operations: deps.operations.log }) });
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  const refresher = deps.kube && startAppRefresher(app, deps, deps.kube, metrics);
  const events = eventsFor(app, deps);
  return { app, metrics, ...(refresher && { refresher }), ...(events && { events }) };
}

/** The ApplicationSet refresher that lives as long as the app. */
function startAppRefresher(app: FastifyInstance, deps: AppDeps, kube: NonNullable<AppDeps['kube']>, metrics: ServiceMetrics): Refresher {
  const refresher = startRefresher({
    config: deps.config,
    cache: deps.cache,
    clusters: deps.clusters,
    kube,
    logger: deps.logger,
    ...(deps.promotion && { promotion: deps.promotion }),
    ...deps.refresh,
    onRefreshed: (refreshed, failed) => {
      metrics.refreshes.inc({ outcome: 'ok' }, refreshed.length);
      if (failed > 0) metrics.refreshes.inc({ outcome: 'failed' }, failed);
    },
  });
  app.addHook('onClose', async () => {
    refresher.stop();
    await refresher.idle();
  });
  return refresher;
}
