// Runs the promotion engine inside the service: evaluates after every change of what it reads (a
// resolution, the cluster inventory, an Application, an operation, the config) and once more when a
// soak or a pause ends (one timer at the engine's wakeAt, no polling). A new state is served only
// once the snapshot holding it is durable (`persist`), so a restart never takes a wave back.
import type { CacheReader } from '../cache/types.ts';
import { DEFAULT_ENVIRONMENT } from '../cache/types.ts';
import type { ClusterSource } from '../clusters/types.ts';
import type { Config } from '../config/types.ts';
import type { ApplicationsWatch } from '../kube/applications.ts';
import type { OperationsReader, PromotionStatusReader } from '../operations/types.ts';
import { viewOf } from './promotion-view.ts';
import { observeApplications } from '../promotion/applications.ts';
import { evaluatePromotion, statusOfState } from '../promotion/engine.ts';
import type { Candidate, EngineInput, PromotionListener, PromotionSource, PromotionState, PromotionStatus } from '../promotion/types.ts';
import { EMPTY_PROMOTION_STATE } from '../promotion/types.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';

export interface PromotionRuntime extends PromotionSource, PromotionStatusReader {
  /** Resolves when no evaluation is queued or running. */
  idle(): Promise<void>;
  /** Asks for an evaluation (a config reload calls it). */
  request(): void;
  stop(): void;
}

export interface PromotionRuntimeOptions {
  readonly config: () => Config;
  readonly cache: CacheReader;
  readonly clusters: Pick<ClusterSource, 'inventory' | 'onChange'>;
  readonly applications: () => ApplicationsWatch | undefined;
  readonly operations?: OperationsReader;
  readonly restored?: PromotionState;
  /** Makes `state` durable (the snapshot file, or the shared state); false = not written, keep the old one. */
  readonly persist: (state: PromotionState) => Promise<boolean>;
  /**
   * Several replicas: the state the leader published (ha/promotion-holder.ts). Only while `leads()`
   * does this replica step the engine and persist; otherwise it serves the shared state as it is.
   */
  readonly shared?: { current(): PromotionState | undefined; onChange(listener: () => void): () => void };
  readonly leads?: () => boolean;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The engine's candidate of a (watch, environment): the cache's resolution (an environment without its own rule reads `default`). */
export function candidateOf(cache: CacheReader, config: Config) {
  const watches = new Map(config.watches.map((w) => [w.name, w]));
  return (watch: string, environment: string): Candidate | undefined => {
    const w = watches.get(watch);
    if (!w) return undefined;
    const entry = cache.get(watch, Object.hasOwn(w.environments, environment) ? environment : DEFAULT_ENVIRONMENT);
    if (!entry?.current) return undefined;
    return { resolution: entry.current, history: entry.history, ...(entry.held && { held: { reason: entry.held.reason } }) };
  };
}

/** What the engine reads now; undefined while there is nothing to evaluate (no policies, no inventory yet). */
function engineInput(options: PromotionRuntimeOptions, served: PromotionState): EngineInput | undefined {
  const config = options.config();
  const inventory = options.clusters.inventory();
  if (Object.keys(config.environments).length === 0 || !inventory.loaded) return undefined;
  const view = options.applications()?.view() ?? { known: false, reason: 'no Application watch runs', records: [] };
  const now = new Date(options.clock.now());
  const environmentLabel = config.clusters.environmentLabel;
  return {
    now,
    watches: config.watches.map((w) => ({ name: w.name, image: w.image })),
    policies: config.environments,
    candidate: candidateOf(options.cache, config),
    clusters: inventory.clusters.map((c) => ({ name: c.name, environment: c.labels[environmentLabel] ?? DEFAULT_ENVIRONMENT, labels: c.labels })),
    applications: { known: view.known, ...(view.reason !== undefined && { reason: view.reason }), applications: observeApplications(view.records, inventory.clusters) },
    state: served,
    operations: options.operations?.active(now) ?? [],
  };
}

/** Every source the engine reads asks for an evaluation when it changes; returns the unsubscribe functions. */
function subscribe(options: PromotionRuntimeOptions, request: () => void): (() => unknown)[] {
  const out = [options.cache.onChange(request), options.clusters.onChange(request), options.applications()?.onChange(request) ?? (() => undefined)];
  if (options.operations) out.push(options.operations.onChange(request));
  if (options.shared) out.push(options.shared.onChange(request));
  return out;
}

/** One timer at the earliest time a waiting gate may open. */
function wakeTimer(request: () => void, clock: Clock): { at(wakeAt: string | undefined): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    at(wakeAt) {
      clearTimeout(timer);
      timer = undefined;
      if (wakeAt === undefined) return;
      // A few ms after the gate opens, never in a loop on a wake time that has just passed.
      timer = setTimeout(request, Math.max(10, Date.parse(wakeAt) - clock.now() + 5));
      timer.unref();
    },
  };
}

export function startPromotionRuntime(options: PromotionRuntimeOptions): PromotionRuntime {
  const log = options.logger.child({ module: 'promotion' });
  let served = options.restored ?? EMPTY_PROMOTION_STATE;
  let status: readonly PromotionStatus[] = [];
  let revision = 0;
  let running: Promise<void> = Promise.resolve();
  let queued = false;
  const wake = wakeTimer(() => request(), options.clock);
  let stopped = false;
  const listeners = new Set<PromotionListener>();

  function adopt(): void {
    const shared = options.shared?.current();
    if (shared === undefined || shared === served) return;
    served = shared;
    revision += 1;
  }

  async function evaluate(): Promise<void> {
    queued = false;
    adopt();
    const input = engineInput(options, served);
    if (!input) return;
    if (options.leads && !options.leads()) return void (status = statusOfState(input));
    const result = evaluatePromotion(input);
    status = result.status;
    if (!stopped) wake.at(result.wakeAt);
    if (JSON.stringify(result.state) === JSON.stringify(served)) return;
    if (!(await options.persist(result.state))) return void log.warn('promotion state not written; keeping the served state and trying again on the next change');
    served = result.state;
    revision += 1;
    for (const change of result.changes) log.info({ ...change }, `promotion: ${change.kind}`);
    for (const l of listeners) l.onChanges(result.changes, result.status);
  }

  function request(): void {
    if (stopped || queued) return;
    queued = true;
    running = running.then(evaluate).catch((err: unknown) => log.error({ err: describeError(err) }, 'promotion evaluation failed'));
  }

  const unsubscribe = subscribe(options, request);
  request();

  return {
    // A follower serves the shared state the moment it arrives, in step with the resolutions it came with.
    state: () => (adopt(), served),
    status: () => status,
    view: (watch, environment) => viewOf(status.find((s) => s.watch === watch && s.environment === environment)),
    revision: () => (adopt(), revision),
    addListener(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async idle() {
      await running;
      if (queued) await running;
    },
    request,
    stop() {
      stopped = true;
      wake.at(undefined);
      for (const u of unsubscribe) u();
    },
  };
}
