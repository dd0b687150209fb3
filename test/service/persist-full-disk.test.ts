// Persistence under ENOSPC and EROFS, on a real tiny file system: a 64 KiB tmpfs mounted for the test
// (the tests run as root, see scripts/ensure-tools.ts; it is unmounted and removed in cleanup). The
// promise is "never downgraded silently": a resolution is served only once the snapshot holding it is
// on disk, so after a failed write the service keeps serving what a restart would restore, and the
// newer resolution appears once a retried write succeeds.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, open, rm, rmdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResolutionCache } from '../../src/cache/store.ts';
import { loadSnapshot } from '../../src/cache/snapshot.ts';
import { createPersister } from '../../src/cache/persist.ts';
import { capturingLogger, record } from '../generator/fixture.ts';

const run = promisify(execFile);
const IMAGE = 'registry.test:5000/acme/web';

async function tinyFs(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aip-tinyfs-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir]);
  } catch (err) {
    await rmdir(dir);
    throw new Error(`this test needs to mount a 64 KiB tmpfs (root, CAP_SYS_ADMIN): ${String(err)}`, { cause: err });
  }
  t.after(async () => {
    await run('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Fills the file system until it refuses more, returning the filler's path. */
async function fill(dir: string): Promise<string> {
  const path = join(dir, 'filler');
  const handle = await open(path, 'w');
  try {
    for (;;) await handle.write(Buffer.alloc(4096, 1));
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    await handle.close();
  }
  return path;
}

const served = (cache: ReturnType<typeof createResolutionCache>) => cache.get('web', 'default')?.current?.tag;
const restored = async (path: string) => (await loadSnapshot(path))?.entries.find((e) => e.watch === 'web')?.current?.tag;

function published(cache: ReturnType<typeof createResolutionCache>, tag: string): Promise<void> {
  return new Promise((resolve) => {
    const off = cache.onChange(() => {
      if (served(cache) === tag) {
        off();
        resolve();
      }
    });
  });
}

test('a full or read-only disk holds new resolutions back until they are durable; never served ahead of the file', async (t) => {
  const dir = await tinyFs(t);
  const path = join(dir, 'cache.json');
  const logs: Record<string, unknown>[] = [];
  const cache = createResolutionCache({ autoCommit: false });
  const persister = createPersister({
    path: () => path,
    snapshot: () => {
      const c = cache.checkpoint();
      return { data: { entries: c.entries, metadata: { images: {}, tags: {} }, scans: {} }, written: c.commit };
    },
    now: () => Date.now(),
    logger: capturingLogger(logs),
    retryMs: 20,
  });
  record(cache, 'web', 'default', IMAGE, '1.0.0');
  await persister.flush();
  assert.equal(served(cache), '1.0.0');

  // ENOSPC: the write fails; 1.1.0 is not served, and a restart would restore what is served
  const filler = await fill(dir);
  const moved = published(cache, '1.1.0');
  record(cache, 'web', 'default', IMAGE, '1.1.0');
  await persister.flush();
  assert.ok(logs.some((l) => String(l.msg).startsWith('cache snapshot write failed')), 'the failure is logged');
  assert.equal(served(cache), '1.0.0', 'nothing newer than the file is served');
  assert.equal(await restored(path), '1.0.0', 'a restart restores exactly what is served');
  // room again: the retried write lands and only then is 1.1.0 served
  await unlink(filler);
  await moved;
  assert.equal(await restored(path), '1.1.0');

  // EROFS: the same promise on a file system remounted read-only
  await run('mount', ['-o', 'remount,ro', dir]);
  const movedAgain = published(cache, '1.2.0');
  record(cache, 'web', 'default', IMAGE, '1.2.0');
  await persister.flush();
  assert.equal(served(cache), '1.1.0');
  assert.equal(await restored(path), '1.1.0');
  await run('mount', ['-o', 'remount,rw', dir]);
  await movedAgain;
  assert.equal(await restored(path), '1.2.0');
});
