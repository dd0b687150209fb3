// Restores the persisted cache at start. A corrupt file is set aside (kept for inspection) and the
// service starts empty, saying so: a cache is a performance aid, never a reason not to start. So is
// anything at the cache path that is not a regular file this process owns (a directory, a symlink, a
// file of another user, which someone else could have written) or cannot read: set aside when it
// can be moved, otherwise reported, and the service starts empty either way.
import type { Logger } from '../shared/log.ts';
import { lstat } from 'node:fs/promises';
import { isAppError } from '../shared/errors.ts';
import { loadSnapshot, removeLeftoverTemps, setAside, type Snapshot } from '../cache/snapshot.ts';

export async function restoreSnapshot(path: string, logger: Logger, now: number): Promise<Snapshot | undefined> {
  const leftovers = await removeLeftoverTemps(path);
  if (leftovers.length > 0) logger.info({ path, removed: leftovers.length }, 'removed temporary files of interrupted cache writes');
  const untrusted = await untrustedReason(path);
  if (untrusted !== undefined) return setAsideAndStartEmpty(path, now, logger, untrusted);
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
    const code = (err as NodeJS.ErrnoException | undefined)?.code ?? (err as { cause?: NodeJS.ErrnoException } | undefined)?.cause?.code;
    return setAsideAndStartEmpty(path, now, logger, `the cache file cannot be read (${code ?? 'error'})`);
  }
}

/** Why the cache path is not a regular file this process owns, or undefined when it is (or is absent). */
async function untrustedReason(path: string): Promise<string | undefined> {
  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? undefined : `the cache path cannot be inspected (${code ?? 'error'})`;
  }
  if (info.isSymbolicLink()) return 'the cache path is a symbolic link';
  if (!info.isFile()) return info.isDirectory() ? 'the cache path is a directory' : 'the cache path is not a regular file';
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) return `the cache file belongs to uid ${info.uid}, not this process (uid ${uid})`;
  return undefined;
}

async function setAsideAndStartEmpty(path: string, now: number, logger: Logger, reason: string): Promise<undefined> {
  const moved = await setAside(path, now).catch(() => undefined);
  if (moved) logger.warn({ path, movedTo: moved, reason }, 'cache path not usable; set aside, starting empty');
  else logger.error({ path, reason }, 'cache path not usable and cannot be moved aside; starting empty, snapshots cannot be written until it is fixed');
  return undefined;
}
