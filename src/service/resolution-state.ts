// The resolved state of one replica: the resolution cache and metadata restored from the persisted
// snapshot, the poller that keeps them fresh, and the persister that writes them back. Resolutions
// are served only once the snapshot holding them is on disk (see persist.ts).
import { createMetadataStore, type MetadataStore } from '../cache/metadata.ts';
import { createResolutionCache } from '../cache/store.ts';
import type { ResolutionCache } from '../cache/store.ts';
import type { Config } from '../config/types.ts';
import type { ClientPool } from '../poller/clients.ts';
import type { PollerHandle } from '../poller/types.ts';
import { createPoller } from '../poller/poller.ts';
import type { UsageBook } from '../poller/usage.ts';
import { createGate } from '../verify/gate.ts';
import type { GateCounters } from '../verify/types.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import type { ConfigState } from './config-state.ts';
import { createPersister } from '../cache/persist.ts';
import { restoreSnapshot } from './restore.ts';
import { createOperationsLog } from '../operations/log.ts';
import { operationHolds } from '../operations/holds.ts';
import type { Operations } from '../operations/service.ts';
import type { OperationRecord } from '../operations/types.ts';
import { wireOperations } from './operations-state.ts';
import { parsePromotionState } from '../promotion/state-codec.ts';
import type { PromotionState } from '../promotion/types.ts';

/** The resolved state as the service uses it, for one replica alone or one of several (ha/open.ts). */
export interface ResolutionState {
  readonly cache: ResolutionCache;
  readonly poller: Pick<PollerHandle, 'rescan' | 'isReady'>;
  /** Facts that never change for a digest (platforms, created), shared with the status page's explanations. */
  readonly metadata: MetadataStore;
  /** Signature verdicts the poller reached (counted for metrics). */
  readonly verifyCounters?: () => Readonly<GateCounters>;
  /** Starts polling (or, with several replicas, election and following). */
  start(): void;
  /** Stops polling and writes the state a last time. */
  stop(): Promise<void>;
  updateConfig(config: Config): void;
  /** The revision of the state being served, sent with every answer (undefined before there is one). */
  revision(): number | undefined;
  /** The operations log and how actions are taken, persisted with this state. */
  readonly operations: Operations;
  /** True while this replica writes the state (always, alone; the leader, with several). */
  readonly leads?: () => boolean;
  /** The promotion state persisted with the resolutions, as restored at start. */
  readonly restoredPromotion?: PromotionState;
  /** Several replicas: the promotion state of the shared state, which this replica serves (and steps only while it leads). */
  readonly sharedPromotion?: { current(): PromotionState | undefined; onChange(listener: () => void): () => void };
  /** Writes a promotion state with the resolutions; true once it is durable. */
  persistPromotion(state: PromotionState): Promise<boolean>;
}

/** The promotion state of a snapshot; a malformed one is dropped, saying so (environments then start again from what they are served). */
export function restoredPromotionOf(value: unknown, logger: Logger): PromotionState | undefined {
  if (value === undefined) return undefined;
  const state = parsePromotionState(value);
  if (!state) logger.warn('the persisted promotion state is malformed; promotions start again from the current resolutions');
  return state;
}

/** An operation is durable once the snapshot holding it is on disk. */
async function stageDurably(log: ReturnType<typeof createOperationsLog>, persister: ReturnType<typeof createPersister>, record: OperationRecord): Promise<boolean> {
  log.stage(record);
  await persister.flush();
  return log.committed(record.id);
}

/** A promotion state is durable once a snapshot written with it is on disk. */
async function persistDurably(promotion: { pending?: PromotionState; durable?: PromotionState }, persister: ReturnType<typeof createPersister>, state: PromotionState): Promise<boolean> {
  promotion.pending = state;
  await persister.flush();
  return promotion.durable === state;
}

export async function openResolutionState(deps: { config: ConfigState; pool: ClientPool; logger: Logger; clock: Clock; usage?: UsageBook }): Promise<ResolutionState> {
  const { config, pool, logger, clock } = deps;
  const snapshot = await restoreSnapshot(config.current().cache.path, logger, clock.now());
  const cache = createResolutionCache({ autoCommit: false });
  if (snapshot) cache.load(snapshot.entries);
  const metadata = createMetadataStore(snapshot?.metadata);
  const log = createOperationsLog({ clock });
  if (snapshot?.operations) log.load(snapshot.operations);
  const live: { poller?: ReturnType<typeof createPoller> } = {};
  const restoredPromotion = restoredPromotionOf(snapshot?.promotion, logger);
  const promotion: { pending?: PromotionState; durable?: PromotionState } = { ...(restoredPromotion && { pending: restoredPromotion, durable: restoredPromotion }) };
  const persister = createPersister({
    path: () => config.current().cache.path,
    snapshot: () => {
      const checkpoint = cache.checkpoint();
      const ops = log.checkpoint();
      const writing = promotion.pending;
      const data = { entries: checkpoint.entries, metadata: metadata.toJSON(), scans: live.poller?.scanTimes() ?? {}, operations: ops.records, ...(writing && { promotion: writing }) };
      return { data, written: () => ((promotion.durable = writing), checkpoint.commit(), ops.commit()) };
    },
    now: () => clock.now(),
    logger,
  });
  const gate = createGate({ clock });
  const poller = createPoller({
    gate,
    config: config.current(),
    clientFor: (host) => pool.clientFor(host),
    cache,
    metadata,
    clock,
    logger,
    ...(snapshot && { restoredScans: snapshot.scans }),
    operationHold: operationHolds(log, clock),
    ...(deps.usage && { usage: deps.usage }),
    onScan: (report) => (report.targets.some((t) => t.moved) ? void persister.flush() : persister.soon()),
  });
  live.poller = poller;
  const durable = (record: OperationRecord): Promise<boolean> => stageDurably(log, persister, record);
  const operations = wireOperations({ log, config: config.current, cache, clock, logger, durable, rescan: (image, reason) => poller.rescan(image, reason) });
  return {
    operations,
    cache,
    poller,
    metadata,
    verifyCounters: () => gate.counters,
    start: () => poller.start(),
    async stop() {
      await poller.stop();
      await persister.flush();
    },
    updateConfig: (next) => poller.updateConfig(next),
    revision: () => cache.revision,
    ...(restoredPromotion && { restoredPromotion }),
    persistPromotion: (state) => persistDurably(promotion, persister, state),
  };
}
