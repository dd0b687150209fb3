// The resolved state of one replica among several (`serve --ha`): the shared state in ConfigMaps,
// the Lease election, the rescan requests, all through one Kubernetes client made from the pod's
// service account (or KUBECONFIG outside a cluster). The local snapshot file is read as a warm start.
import { createResolutionCache } from '../cache/store.ts';
import type { ClientPool } from '../poller/clients.ts';
import { createObjectClient } from '../kube/objects.ts';
import { resolveConnection } from '../kube/connection.ts';
import { createTransport } from '../kube/transport.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import { createElection } from '../ha/election.ts';
import { createReplica } from '../ha/replica.ts';
import { createRequestChannel } from '../ha/requests.ts';
import type { HaSettings } from '../ha/settings.ts';
import { createStateStore } from '../ha/state-store.ts';
import type { ConfigState } from './config-state.ts';
import type { ResolutionState } from './resolution-state.ts';
import { createSharedPromotion } from '../ha/promotion-holder.ts';
import { restoreSnapshot } from './restore.ts';
import { createOperationChannel } from '../ha/operation-requests.ts';
import { createOperationsLog } from '../operations/log.ts';
import type { Operations } from '../operations/service.ts';
import type { OperationRecord } from '../operations/types.ts';
import { wireOperations } from './operations-state.ts';
import { createGate } from '../verify/gate.ts';

export const STATE_LABELS = { 'app.kubernetes.io/name': 'argocd-image-plugins', 'app.kubernetes.io/component': 'state' } as const;

export async function openReplicaState(deps: { config: ConfigState; pool: ClientPool; logger: Logger; clock: Clock; settings: HaSettings; env?: NodeJS.ProcessEnv }): Promise<ResolutionState> {
  const { config, settings, clock, logger } = deps;
  // Requests must end well within the renew deadline, so a hung call cannot keep a leader in place.
  const transport = createTransport(resolveConnection({ ...(deps.env && { env: deps.env }) }), Math.max(500, Math.floor(settings.renewDeadlineMs / 3)));
  const objects = createObjectClient(transport);
  const election = createElection({ objects, namespace: settings.namespace, name: settings.leaseName, identity: settings.identity, leaseDurationMs: settings.leaseDurationMs, renewDeadlineMs: settings.renewDeadlineMs, retryPeriodMs: settings.retryPeriodMs, clock, logger });
  const store = createStateStore({ objects, namespace: settings.namespace, name: settings.stateName, labels: STATE_LABELS, logger, isLeader: election.isLeader, ...(settings.stateMaxShards !== undefined && { maxShards: settings.stateMaxShards }) });
  const requests = createRequestChannel({ objects, namespace: settings.namespace, name: `${settings.stateName}-requests`, identity: settings.identity, labels: STATE_LABELS, clock, logger });
  const warm = await restoreSnapshot(config.current().cache.path, logger, clock.now());
  const cache = createResolutionCache({ autoCommit: false });
  const promotion = createSharedPromotion(logger);
  const log = createOperationsLog({ clock });
  const channel = createOperationChannel({ objects, namespace: settings.namespace, name: `${settings.stateName}-requests`, identity: settings.identity, labels: STATE_LABELS, clock, logger });
  const late: { operations?: Operations } = {};
  const forwarded = { channel, accept: (record: OperationRecord) => late.operations!.accept(record) };
  // One gate for every term this replica leads: verdicts stay cached by digest and counted for the metrics.
  const gate = createGate({ clock });
  const replica = createReplica({ config: config.current, pool: deps.pool, cache, election, store, requests, clock, logger, operations: log, forwarded, promotion, gate, ...(warm && { warm }), ...(settings.publishBytesPerSecond !== undefined && { publishBytesPerSecond: settings.publishBytesPerSecond }) });
  const operations = (late.operations = wireOperations({ log, config: config.current, cache, clock, logger, durable: (record) => replica.durable(record), rescan: (image, reason) => replica.rescan(image, reason) }));
  logger.info({ identity: settings.identity, lease: `${settings.namespace}/${settings.leaseName}`, state: `${settings.namespace}/${settings.stateName}` }, 'running as one of several replicas');
  return {
    cache,
    operations,
    leads: () => replica.isLeader(),
    poller: replica,
    metadata: replica.metadata,
    verifyCounters: () => gate.counters,
    start: () => replica.start(),
    async stop() {
      await replica.stop();
      await transport.close();
    },
    updateConfig: (next) => replica.updateConfig(next),
    revision: () => replica.revision(),
    // Several replicas: the promotion state is part of the shared state; the leader publishes it,
    // every replica serves it, and the warm-start file's is used only when the API holds no state yet.
    sharedPromotion: promotion,
    persistPromotion: (state) => replica.publishPromotion(state),
  };
}
