// What may sit at the cache path when the service starts, on the real file system: a directory, a
// symlink, a FIFO, a file of another user, a corrupt file. Each is set aside (kept for inspection)
// and the service starts empty; the next snapshot write then succeeds. Temporary files are created
// exclusively under unpredictable names: symlinks planted at every name the old naming scheme
// (`.<file>.<pid>.<n>.tmp`) would use are never followed.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chown, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restoreSnapshot } from '../../src/service/restore.ts';
import { saveSnapshot, SNAPSHOT_VERSION, type Snapshot } from '../../src/cache/snapshot.ts';
import { capturingLogger } from '../generator/fixture.ts';

const snapshot: Snapshot = { version: SNAPSHOT_VERSION, savedAt: new Date(0).toISOString(), entries: [], metadata: { images: {}, tags: {} }, scans: {} };

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aip-cachepath-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const STATES: ReadonlyArray<[string, (path: string, dir: string) => Promise<void>]> = [
  ['a directory', (path) => mkdir(path)],
  ['a symlink to another file', async (path, dir) => {
    await writeFile(join(dir, 'elsewhere.json'), JSON.stringify(snapshot));
    await symlink(join(dir, 'elsewhere.json'), path);
  }],
  ['a FIFO', async (path) => void (await promisify(execFile)('mkfifo', [path]))],
  ['a file of another user', async (path) => {
    await writeFile(path, JSON.stringify(snapshot));
    await chown(path, 65534, 65534);
  }],
  ['a corrupt file', (path) => writeFile(path, '{"version":')],
];

for (const [what, make] of STATES) {
  test(`${what} at the cache path is set aside; the service starts empty and writes again`, async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'cache.json');
    await make(path, dir);
    const logs: Record<string, unknown>[] = [];
    const restored = await restoreSnapshot(path, capturingLogger(logs), Date.UTC(2026, 0, 1));
    assert.equal(restored, undefined);
    assert.ok(logs.some((l) => l.level === 40 && typeof l.movedTo === 'string'), JSON.stringify(logs.map((l) => l.msg)));
    assert.ok((await readdir(dir)).some((n) => n.startsWith('cache.json.corrupt-')), 'kept for inspection');
    await saveSnapshot(path, snapshot);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), snapshot);
  });
}

test('temporary files are created exclusively under unpredictable names: planted symlinks are never followed', async (t) => {
  const dir = await tempDir(t);
  const victim = join(dir, 'victim');
  await writeFile(victim, 'untouched');
  const path = join(dir, 'cache.json');
  for (let n = 1; n <= 200; n++) await symlink(victim, join(dir, `.cache.json.${process.pid}.${n}.tmp`));
  for (let i = 0; i < 5; i++) await saveSnapshot(path, snapshot);
  assert.equal(await readFile(victim, 'utf8'), 'untouched');
  assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), snapshot);
  const temps = (await readdir(dir)).filter((n) => n.endsWith('.tmp') && !/^\.cache\.json\.\d+\.\d+\.tmp$/.test(n));
  assert.deepEqual(temps, [], 'no temporary file of ours is left');
});
