// One replica of several: it always follows the shared state (and serves it), and while it holds
// the Lease it also leads (leader-role.ts). A replica that has never seen a shared state answers
// 503 rather than an empty or older list; its local snapshot file is only a warm start, used when
// it leads and the API holds no state yet (the cluster state wins). Push webhooks received by a
// follower reach the leader as rescan requests through the API.
import type { MetadataStore } from '../cache/metadata.ts';
import type { ResolutionCache } from '../cache/store.ts';
import type { Snapshot } from '../cache/snapshot.ts';
import type { Config } from '../config/types.ts';
import type { ClientPool } from '../poller/clients.ts';
import type { PollerHandle, RescanOptions } from '../poller/types.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { Election } from './election.ts';
import { createMetadataHolder } from './metadata-holder.ts';
import { startLeaderRole, type LeaderRole, type LeaderRoleDeps } from './leader-role.ts';
import { forwardToLeader } from './forward.ts';
import type { OperationsLog } from '../operations/log.ts';
import type { OperationRecord } from '../operations/types.ts';
import type { RequestChannel } from './requests.ts';
import type { SharedPromotion } from './promotion-holder.ts';
import type { PromotionState } from '../promotion/types.ts';
import { parseStateText, type StateData } from './state-data.ts';
import type { SharedState, StateStore } from './state-store.ts';

export interface ReplicaDeps {
  readonly config: () => Config;
  readonly pool: ClientPool;
  readonly cache: ResolutionCache;
  readonly election: Election;
  readonly store: StateStore;
  readonly requests: RequestChannel;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The local snapshot file's content, if any. */
  readonly warm?: Snapshot;
  /** The operations log, part of the shared state. */
  readonly operations: OperationsLog;
  readonly forwarded: LeaderRoleDeps['forwarded'];
  /** The promotion state, part of the shared state. */
  readonly promotion: SharedPromotion;
  readonly gate?: LeaderRoleDeps['gate'];
  readonly publishBytesPerSecond?: LeaderRoleDeps['publishBytesPerSecond'];
}

export interface Replica extends Pick<PollerHandle, 'rescan' | 'isReady'> {
  start(): void;
  stop(): Promise<void>;
  updateConfig(config: Config): void;
  /** The revision of the shared state being served (undefined before the first). */
  revision(): number | undefined;
  isLeader(): boolean;
  readonly metadata: MetadataStore;
  /** Makes an operation durable: published by the leader, or handed to it by a follower (see operation-requests.ts). */
  durable(record: OperationRecord): Promise<boolean>;
  /** Publishes a promotion state (leader only); true once the revision holding it is published. */
  publishPromotion(state: PromotionState): Promise<boolean>;
}

/** A state's resolutions, image details and operations become what this replica serves. */
function loadInto(deps: ReplicaDeps, metadata: ReturnType<typeof createMetadataHolder>, data: Pick<StateData, 'entries' | 'metadata' | 'operations' | 'promotion'>): void {
  deps.cache.load(data.entries);
  metadata.replace(data.metadata);
  deps.operations.load(data.operations ?? []);
  deps.promotion.load(data.promotion);
}

/** A follower's rescan goes to the leader through the requests ConfigMap. */
async function handRescan(deps: ReplicaDeps, log: Logger, image: string, reason: string, options: RescanOptions): Promise<undefined> {
  await deps.requests.send(image, reason, options.tags ?? [], options.digests).catch((err: unknown) => log.warn({ err: describeError(err), image }, 'cannot hand the rescan to the leader'));
  return undefined;
}

/** The leader makes an operation durable by publishing it with the next state. */
async function stageAndFlush(deps: ReplicaDeps, role: LeaderRole, record: OperationRecord): Promise<boolean> {
  deps.operations.stage(record);
  await role.persister.flush();
  return deps.operations.committed(record.id);
}

/** The leader makes a promotion state durable by publishing it with the next state. */
async function publishPromotion(deps: ReplicaDeps, role: LeaderRole | undefined, state: PromotionState): Promise<boolean> {
  if (!role) return false;
  deps.promotion.stage(state);
  await role.persister.flush();
  return deps.promotion.current() === state;
}

export function createReplica(deps: ReplicaDeps): Replica {
  const log = deps.logger.child({ module: 'replica' });
  let served: number | undefined;
  let latest: StateData | undefined;
  let role: LeaderRole | undefined;
  let transition: Promise<void> = Promise.resolve();
  const abort = new AbortController();
  let following: Promise<void> = Promise.resolve();
  const metadata = createMetadataHolder();

  function apply(state: SharedState): void {
    if (served !== undefined && state.revision <= served) return;
    const data = parseStateText(state.text);
    if (!data) return void log.error({ revision: state.revision }, 'shared state is not valid JSON state; keeping the last good one');
    latest = data;
    // The leader's own cache is ahead of (or equal to) what it published; a newer foreign revision means it was deposed.
    if (!role || state.revision > (served ?? 0)) loadInto(deps, metadata, data);
    served = state.revision;
  }

  async function lead(): Promise<void> {
    const shared = await deps.store.read().catch(() => undefined);
    if (shared) apply(shared);
    const fromFile = !latest && deps.warm ? { entries: deps.warm.entries, metadata: deps.warm.metadata, scans: deps.warm.scans, operations: deps.warm.operations ?? [], promotion: deps.warm.promotion } : undefined;
    if (fromFile) loadInto(deps, metadata, fromFile);
    role = startLeaderRole({ ...deps, metadata, isLeader: deps.election.isLeader, onPublished: (revision) => (served = Math.max(served ?? 0, revision)) }, latest ?? fromFile, !shared);
    deps.promotion.changed();
  }

  async function follow(): Promise<void> {
    const stopping = role;
    role = undefined;
    await stopping?.stop();
    deps.promotion.changed();
  }

  deps.election.onChange((leading) => {
    transition = transition.then(leading ? lead : follow).catch((err: unknown) => log.error({ err: describeError(err) }, 'role change failed'));
  });

  return {
    start() {
      following = deps.store.follow(apply, abort.signal);
      deps.election.start();
    },
    async stop() {
      await deps.election.stop();
      await transition;
      await role?.persister.flush();
      await follow();
      abort.abort();
      await following;
    },
    updateConfig(config) {
      role?.poller.updateConfig(config);
    },
    rescan: (image, reason, options) => (role ? role.rescan(image, reason, options) : handRescan(deps, log, image, reason, options ?? {})),
    isReady: () => served !== undefined,
    revision: () => served,
    isLeader: () => role !== undefined,
    metadata,
    durable: (record) => (role ? stageAndFlush(deps, role, record) : forwardToLeader(deps, record)),
    publishPromotion: (state) => publishPromotion(deps, role, state),
  };
}
