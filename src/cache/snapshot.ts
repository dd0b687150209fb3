// Persists the cache so a restart neither loses state nor hammers registries. Writes go to a
// temporary file in the same directory, are fsynced, then renamed over the old file (rename is
// atomic on POSIX file systems) and the directory is fsynced, so a crash at any moment leaves
// either the old snapshot or the new one, never a torn file.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { CacheEntry } from './types.ts';
import type { MetadataSnapshot } from './metadata.ts';
import { AppError } from '../shared/errors.ts';

export const SNAPSHOT_VERSION = 1;

export interface Snapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  readonly savedAt: string;
  readonly entries: readonly CacheEntry[];
  readonly metadata: MetadataSnapshot;
  /** Last completed tags-list scan per `registry/repository`, to schedule the first scans after a restart. */
  readonly scans: Readonly<Record<string, string>>;
  /**
   * The operations log (holds, releases, approvals, promotions), written with the state it governs.
   * Read back as untrusted data: the operations log parses each record (operations/record.ts).
   */
  readonly operations?: readonly unknown[];
  /** Where each promotion and rollout stands (promotion/state-codec.ts checks it); absent in older files. */
  readonly promotion?: unknown;
}

function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

export async function saveSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // Created exclusively under an unpredictable name: a file or symlink planted at a guessable name
  // (the directory may be shared) is never followed or overwritten; `wx` fails instead.
  const tmp = join(dir, `${tempPrefix(path)}${randomBytes(12).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(snapshot));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (cause) {
    await unlink(tmp).catch(() => undefined);
    throw new AppError('CACHE_WRITE_FAILED', `cannot replace cache file ${path}`, { cause });
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEntry(v: unknown): v is CacheEntry {
  if (!isObject(v)) return false;
  if (typeof v.watch !== 'string' || typeof v.environment !== 'string' || typeof v.image !== 'string') return false;
  if (!Array.isArray(v.history)) return false;
  const c = v.current;
  return c === undefined || (isObject(c) && typeof c.tag === 'string' && typeof c.digest === 'string' && typeof c.ref === 'string' && Array.isArray(c.platforms));
}

/**
 * Reads a snapshot. A missing file is `undefined` (first start); an unreadable or malformed one
 * throws CACHE_CORRUPT so the caller can set it aside and start empty, saying so.
 */
export async function loadSnapshot(path: string): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('CACHE_UNREADABLE', `cannot read cache file ${path}`, { cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new AppError('CACHE_CORRUPT', `cache file ${path} is not valid JSON`, { cause });
  }
  if (!isObject(data) || data.version !== SNAPSHOT_VERSION) {
    throw new AppError('CACHE_CORRUPT', `cache file ${path} has an unknown format (expected version ${SNAPSHOT_VERSION})`);
  }
  if (!Array.isArray(data.entries) || !data.entries.every(isEntry) || !isObject(data.metadata) || !isObject(data.scans)) {
    throw new AppError('CACHE_CORRUPT', `cache file ${path} is malformed`);
  }
  const metadata = data.metadata as Record<string, unknown>;
  return {
    ...(data.promotion !== undefined && { promotion: data.promotion }),
    version: SNAPSHOT_VERSION,
    savedAt: typeof data.savedAt === 'string' ? data.savedAt : '',
    entries: data.entries,
    metadata: { images: isObject(metadata.images) ? (metadata.images as MetadataSnapshot['images']) : {}, tags: isObject(metadata.tags) ? (metadata.tags as MetadataSnapshot['tags']) : {} },
    scans: data.scans as Record<string, string>,
    ...(Array.isArray(data.operations) && { operations: data.operations as unknown[] }),
  };
}

/** Moves a corrupt or untrusted cache path aside (kept for inspection) so the service can start empty. */
export async function setAside(path: string, now: number): Promise<string> {
  const target = `${path}.corrupt-${now}`;
  await rename(path, target);
  return target;
}

/**
 * Removes temporary files a crash left in the middle of a write (they never replaced the snapshot,
 * so nothing in them is needed). Called once at start, before any write of this process.
 */
export async function removeLeftoverTemps(path: string): Promise<string[]> {
  const dir = dirname(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const prefix = tempPrefix(path);
  const leftovers = names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp'));
  await Promise.all(leftovers.map((n) => unlink(join(dir, n)).catch(() => undefined)));
  return leftovers;
}
