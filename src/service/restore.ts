// Restores the persisted cache at start. A corrupt file is set aside (kept for inspection) and the
// service starts empty, saying so: a cache is a performance aid, never a reason not to start.
import type { Logger } from '../shared/log.ts';
import { isAppError } from '../shared/errors.ts';
import { loadSnapshot, removeLeftoverTemps, setAside, type Snapshot } from '../cache/snapshot.ts';

export async function restoreSnapshot(path: string, logger: Logger, now: number): Promise<Snapshot | undefined> {
  const leftovers = await removeLeftoverTemps(path);
  if (leftovers.length > 0) logger.info({ path, removed: leftovers.length }, 'removed temporary files of interrupted cache writes');
  try {
    const snapshot = await loadSnapshot(path);
    if (snapshot) logger.info({ path, entries: snapshot.entries.length, savedAt: snapshot.savedAt }, 'cache restored');
    else logger.info({ path }, 'no cache file yet; starting empty');
    return snapshot;
  } catch (err) {
    if (isAppError(err) && err.code === 'CACHE_CORRUPT') {
      const moved = await setAside(path, now).catch(() => undefined);
      logger.warn({ path, movedTo: moved, err }, 'cache file is corrupt; set aside, starting empty');
      return undefined;
    }
    throw err;
  }
}
