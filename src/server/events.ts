// Kubernetes Events of the running service: operations (held, released, approved, promoted) and
// resolutions that go stale, recorded on the ApplicationSets that use the watch, while the service
// refreshes ApplicationSets (server.refreshApplicationSets: it has their RBAC). The recorder is also
// the sink the promotion engine emits moves and blocks to (App.events).
import { hostname } from 'node:os';
import type { CacheReader } from '../cache/types.ts';
import type { Config } from '../config/types.ts';
import { createEventRecorder, type EventRecorder } from '../kube/events/recorder.ts';
import { DEFAULT_PLUGIN_CONFIGMAP } from '../kube/refresh/refresher.ts';
import type { KubeClient } from '../kube/types.ts';
import { followOperations } from '../operations/event-source.ts';
import { followStaleness } from '../operations/stale-events.ts';
import type { OperationsReader, PromotionEventSink } from '../operations/types.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';

export interface EventDeps {
  readonly kube: Pick<KubeClient, 'listApplicationSets' | 'createEvent' | 'patchEvent'>;
  readonly config: () => Config | undefined;
  readonly cache: CacheReader;
  readonly operations?: OperationsReader;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly refresh?: { readonly namespaces?: readonly string[]; readonly configMapName?: string };
  /** True on the replica that writes the state (one Event per change across replicas). */
  readonly leads?: () => boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ServiceEvents extends PromotionEventSink {
  idle(): Promise<void>;
  stop(): void;
}

export function startEvents(deps: EventDeps): ServiceEvents {
  const recorder: EventRecorder = createEventRecorder({
    kube: deps.kube,
    config: deps.config,
    ...(deps.refresh?.namespaces && { namespaces: deps.refresh.namespaces }),
    configMapName: deps.refresh?.configMapName ?? DEFAULT_PLUGIN_CONFIGMAP,
    clock: deps.clock,
    logger: deps.logger,
    instance: (deps.env ?? process.env).POD_NAME ?? hostname(),
  });
  const enabled = (): boolean => deps.config()?.server.refreshApplicationSets === true;
  const sink: PromotionEventSink = { emit: (event) => (enabled() ? recorder.emit(event) : undefined) };
  const leads = (): boolean => deps.leads?.() ?? true;
  const stops = [followStaleness({ cache: deps.cache, clock: deps.clock, intervalSeconds: () => deps.config()?.polling.intervalSeconds ?? 60, leads }, sink), ...(deps.operations ? [followOperations(deps.operations, sink, leads)] : [])];
  return { emit: sink.emit, idle: () => recorder.idle(), stop: () => stops.forEach((s) => s()) };
}
