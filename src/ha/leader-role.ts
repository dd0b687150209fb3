// What a replica does while it leads: poll the registries into the shared cache, publish every
// change as the next revision of the shared state (fenced; only what was published is then served),
// keep the local snapshot file as a warm start, and act on the rescan requests followers record.
// Everything stops when leadership ends.
//
// Every publish writes the whole state (megabytes at 10 000 watches: shards, then the head), and
// every follower reads it back. Publishing after every scan would write it back to back all the time
// (each scan moves a scan time; a cold cycle moves a resolution per scan), which spends the leader's,
// the followers' and the API server's CPU and fills etcd's history between two compactions. So
// publishes that scans ask for are spaced: the next one starts no sooner than the last published
// bytes divided by `publishBytesPerSecond` after the last ended (about 18 s at 9 MiB and the default
// 512 KiB/s; a few ms for a small state). Pushes and operations do not wait: a rescan that moved a
// resolution, an operation or a promotion publishes at once.
import type { MetadataStore } from '../cache/metadata.ts';
import type { ResolutionCache } from '../cache/store.ts';
import type { Config } from '../config/types.ts';
import type { ClientPool } from '../poller/clients.ts';
import { createPoller } from '../poller/poller.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError, isAppError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { createPersister, type Persister } from '../cache/persist.ts';
import type { RequestChannel } from './requests.ts';
import type { OperationChannel } from './operation-requests.ts';
import { operationHolds } from '../operations/holds.ts';
import type { OperationsLog } from '../operations/log.ts';
import type { OperationRecord } from '../operations/types.ts';
import type { SharedPromotion } from './promotion-holder.ts';
import { stateText, type StateData } from './state-data.ts';
import type { StateStore } from './state-store.ts';
import type { Gate } from '../verify/types.ts';

export interface LeaderRoleDeps {
  readonly config: () => Config;
  readonly pool: ClientPool;
  readonly cache: ResolutionCache;
  /** Already holding `base`'s metadata. */
  readonly metadata: MetadataStore;
  readonly store: StateStore;
  readonly requests: RequestChannel;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly isLeader: () => boolean;
  /** Called with the revision once a published state is served. */
  readonly onPublished: (revision: number) => void;
  /** The operations log, published with the state. */
  readonly operations: OperationsLog;
  /** Operations followers forwarded (operation-requests.ts) and where to apply them. */
  readonly forwarded: { readonly channel: OperationChannel; readonly accept: (record: OperationRecord) => Promise<void> };
  /** The promotion state, published with the state. */
  readonly promotion: SharedPromotion;
  /** Signature verdicts by digest, kept by the replica across terms (its counters are the metrics'). */
  readonly gate?: Gate;
  /** State bytes per second that scan-driven publishes average at most (HA_STATE_PUBLISH_BYTES_PER_SECOND). */
  readonly publishBytesPerSecond?: number;
}

/** Default of HA_STATE_PUBLISH_BYTES_PER_SECOND: 512 KiB/s, a 9 MiB state every 18 s at most. */
export const PUBLISH_BYTES_PER_SECOND_DEFAULT = 512 * 1024;

/** How long scan-driven publishes wait after one of `bytes` (pure). */
export function publishSpacingMs(bytes: number, bytesPerSecond = PUBLISH_BYTES_PER_SECOND_DEFAULT): number {
  return (bytes * 1000) / bytesPerSecond;
}

export interface LeaderRole {
  readonly poller: ReturnType<typeof createPoller>;
  readonly persister: Persister;
  /** A requested rescan (push, follower's request, hold change): a moved resolution waiting to be published is published at once. */
  rescan: ReturnType<typeof createPoller>['rescan'];
  stop(): Promise<void>;
}

/** The follower that forwarded `record` waits for this answer and gives the operator the leader's own error. */
function refuseForwarded(deps: LeaderRoleDeps, record: OperationRecord, err: unknown): void {
  deps.logger.warn({ err: describeError(err), id: record.id, kind: record.kind }, 'forwarded operation refused');
  const { code, message } = err as { code?: unknown; message?: unknown };
  const answer = { code: typeof code === 'string' ? code : 'OPS_NOT_DURABLE', message: typeof message === 'string' ? message : 'the leader refused the action' };
  void deps.forwarded.channel.refuse(record.id, answer).catch((e: unknown) => deps.logger.warn({ err: describeError(e), id: record.id }, 'cannot record the refusal for the follower'));
}

/**
 * Publishes `text`; 'refused' when the state cannot be written as configured (too large for the
 * shard names the Role allows): the last published state stays served and the next change tries
 * again, without a retry loop re-encoding megabytes.
 */
async function publishState(deps: LeaderRoleDeps, text: string): Promise<number | undefined | 'refused'> {
  try {
    return await deps.store.publish(text);
  } catch (err) {
    if (isAppError(err) && err.code === 'REPLICAS_STATE_TOO_LARGE') {
      deps.logger.error({ code: err.code, err: err.message }, 'state not published: too large for the shard ConfigMaps allowed');
      return 'refused';
    }
    deps.logger.warn({ err: describeError(err) }, 'state not published');
    return undefined;
  }
}

/** The leader's persister: publishes the state (spaced when scans ask), then writes the warm-start file. */
function createLeaderPersister(deps: LeaderRoleDeps, scanTimes: () => Record<string, string>): Persister {
  const { metadata } = deps;
  let published = 0;
  let publishedBytes = 0;
  const persister = createPersister({
    path: () => deps.config().cache.path,
    snapshot: () => {
      const checkpoint = deps.cache.checkpoint();
      const ops = deps.operations.checkpoint();
      const promotion = deps.promotion.writing();
      const data = { entries: checkpoint.entries, metadata: metadata.toJSON(), scans: scanTimes(), operations: ops.records, ...(promotion && { promotion }) };
      return { data, written: () => (checkpoint.commit(), ops.commit(), deps.promotion.commit(promotion), deps.onPublished(published)) };
    },
    publish: async (data) => {
      const text = stateText(data);
      publishedBytes = text.length;
      const revision = await publishState(deps, text);
      if (revision === 'refused') return false;
      if (revision === undefined) {
        // Still leading: the API was unreachable, try again soon. Otherwise the new leader publishes.
        if (deps.isLeader()) persister.soon();
        return false;
      }
      published = revision;
      return true;
    },
    now: () => deps.clock.now(),
    logger: deps.logger,
    spacingMs: () => publishSpacingMs(publishedBytes, deps.publishBytesPerSecond),
  });
  return persister;
}

/** Starts leading from `base`, the newest state known (shared, else the local warm start). */
export function startLeaderRole(deps: LeaderRoleDeps, base: StateData | undefined, publishAtOnce: boolean): LeaderRole {
  const { metadata } = deps;
  const live: { poller?: ReturnType<typeof createPoller> } = {};
  const persister = createLeaderPersister(deps, () => live.poller?.scanTimes() ?? {});
  const poller = createPoller({
    config: deps.config(),
    clientFor: (host) => deps.pool.clientFor(host),
    cache: deps.cache,
    metadata,
    clock: deps.clock,
    logger: deps.logger,
    ...(base && { restoredScans: base.scans }),
    operationHold: operationHolds(deps.operations, deps.clock),
    ...(deps.gate && { gate: deps.gate }),
    onScan: (report) => (report.targets.some((t) => t.moved) ? persister.prompt() : persister.soon()),
  });
  live.poller = poller;
  const rescan: LeaderRole['rescan'] = async (image, reason, options) => {
    const result = await poller.rescan(image, reason, options);
    // Its own scan, or one that ran meanwhile (a scheduled scan of the same repository that found the pushed tag first), asked for a spaced publish.
    persister.hurry();
    return result;
  };
  const abort = new AbortController();
  const receiving = deps.requests.receive((r) => {
    void rescan(r.image, r.reason, { tags: r.tags, ...(r.digests && { digests: new Map(r.digests) }) }).catch((err: unknown) => deps.logger.warn({ err: describeError(err), image: r.image }, 'requested rescan failed'));
  }, abort.signal);
  const forwarding = deps.forwarded.channel.receive((record) => {
    void deps.forwarded.accept(record).catch((err: unknown) => refuseForwarded(deps, record, err));
  }, abort.signal);
  poller.start();
  if (publishAtOnce) void persister.flush();
  return {
    poller,
    persister,
    rescan,
    async stop() {
      abort.abort();
      await poller.stop();
      await Promise.all([receiving, forwarding]);
    },
  };
}
