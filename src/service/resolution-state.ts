// The resolved state of one replica: the resolution cache and metadata restored from the persisted
// snapshot, the poller that keeps them fresh, and the persister that writes them back. Resolutions
// are served only once the snapshot holding them is on disk (see persist.ts).
import { createMetadataStore, type MetadataStore } from '../cache/metadata.ts';
import { createResolutionCache } from '../cache/store.ts';
import type { ResolutionCache } from '../cache/store.ts';
import type { ClientPool } from '../poller/clients.ts';
import { createPoller } from '../poller/poller.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import type { ConfigState } from './config-state.ts';
import { createPersister, type Persister } from './persist.ts';
import { restoreSnapshot } from './restore.ts';

export interface ResolutionState {
  readonly cache: ResolutionCache;
  readonly poller: ReturnType<typeof createPoller>;
  readonly persister: Persister;
  /** Facts that never change for a digest (platforms, created), shared with the status page's explanations. */
  readonly metadata: MetadataStore;
}

export async function openResolutionState(deps: { config: ConfigState; pool: ClientPool; logger: Logger; clock: Clock }): Promise<ResolutionState> {
  const { config, pool, logger, clock } = deps;
  const snapshot = await restoreSnapshot(config.current().cache.path, logger, clock.now());
  const cache = createResolutionCache({ autoCommit: false });
  if (snapshot) cache.load(snapshot.entries);
  const metadata = createMetadataStore(snapshot?.metadata);
  const live: { poller?: ReturnType<typeof createPoller> } = {};
  const persister = createPersister({
    path: () => config.current().cache.path,
    snapshot: () => {
      const checkpoint = cache.checkpoint();
      return { data: { entries: checkpoint.entries, metadata: metadata.toJSON(), scans: live.poller?.scanTimes() ?? {} }, written: checkpoint.commit };
    },
    now: () => clock.now(),
    logger,
  });
  const poller = createPoller({
    config: config.current(),
    clientFor: (host) => pool.clientFor(host),
    cache,
    metadata,
    clock,
    logger,
    ...(snapshot && { restoredScans: snapshot.scans }),
    onScan: (report) => (report.targets.some((t) => t.moved) ? void persister.flush() : persister.soon()),
  });
  live.poller = poller;
  return { cache, poller, persister, metadata };
}
