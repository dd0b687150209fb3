import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResolutionCache, type RecordOutcome } from '../../src/cache/store.ts';
import { loadSnapshot, removeLeftoverTemps, saveSnapshot, SNAPSHOT_VERSION, type Snapshot } from '../../src/cache/snapshot.ts';
import type { Resolution } from '../../src/cache/types.ts';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
function res(tag: string, digest: string, at = '2026-01-01T00:00:00.000Z'): Resolution {
  return { tag, digest, ref: `ghcr.io/acme/web:${tag}@${digest}`, platforms: ['linux/amd64'], resolvedAt: at };
}
function resolved(r: Resolution, at: string): RecordOutcome {
  return { kind: 'resolved', resolution: r, summary: { tags: 3, candidates: 2, complete: true }, at };
}

test('records a resolution, keeps resolvedAt while nothing moves, and keeps history when it moves', () => {
  const cache = createResolutionCache({ historyLimit: 2 });
  const seen: string[] = [];
  cache.onChange((changed) => seen.push(changed.map((e) => e.current?.tag ?? '-').join()));
  assert.equal(cache.record('web', 'default', 'ghcr.io/acme/web', resolved(res('1.0.0', D1, 't1'), 't1')), true);
  assert.equal(cache.record('web', 'default', 'ghcr.io/acme/web', resolved(res('1.0.0', D1, 't2'), 't2')), false);
  assert.equal(cache.get('web', 'default')?.current?.resolvedAt, 't1', 'an unchanged resolution keeps its first time');
  assert.equal(cache.get('web', 'default')?.lastCheckedAt, 't2');
  assert.equal(cache.record('web', 'default', 'ghcr.io/acme/web', resolved(res('1.1.0', D2, 't3'), 't3')), true);
  assert.equal(cache.record('web', 'default', 'ghcr.io/acme/web', resolved(res('1.2.0', D1, 't4'), 't4')), true);
  assert.equal(cache.record('web', 'default', 'ghcr.io/acme/web', resolved(res('1.3.0', D2, 't5'), 't5')), true);
  const e = cache.get('web', 'default');
  assert.deepEqual(e?.history.map((h) => h.tag), ['1.2.0', '1.1.0'], 'history is newest first and bounded');
  assert.equal(cache.revision, 5);
  assert.equal(seen.length, 5);
});

test('a re-pushed tag (same tag, new digest) counts as a move', () => {
  const cache = createResolutionCache();
  cache.record('web', 'default', 'i', resolved(res('stable', D1), 't1'));
  assert.equal(cache.record('web', 'default', 'i', resolved(res('stable', D2), 't2')), true);
  assert.equal(cache.get('web', 'default')?.current?.digest, D2);
});

test('a failed scan keeps the last good resolution and records the error; success clears it', () => {
  const cache = createResolutionCache();
  cache.record('web', 'prod', 'i', resolved(res('1.0.0', D1), 't1'));
  const failed = cache.record('web', 'prod', 'i', { kind: 'failed', error: { code: 'REG_UNAVAILABLE', message: 'registry answered 503', at: 't2' } });
  assert.equal(failed, false);
  const e = cache.get('web', 'prod');
  assert.equal(e?.current?.tag, '1.0.0');
  assert.equal(e?.lastError?.code, 'REG_UNAVAILABLE');
  assert.equal(e?.lastCheckedAt, 't2');
  cache.record('web', 'prod', 'i', resolved(res('1.0.0', D1), 't3'));
  assert.equal(cache.get('web', 'prod')?.lastError, undefined);
});

test('a never-resolved entry that fails has no current resolution', () => {
  const cache = createResolutionCache();
  cache.record('web', 'default', 'i', { kind: 'failed', error: { code: 'REG_AUTH', message: 'denied', at: 't1' } });
  assert.equal(cache.get('web', 'default')?.current, undefined);
  assert.throws(() => {
    (cache.get('web', 'default') as { watch: string }).watch = 'x';
  }, TypeError, 'entries are frozen');
});

test('retain drops entries of removed watches', () => {
  const cache = createResolutionCache();
  cache.record('a', 'default', 'i', resolved(res('1', D1), 't'));
  cache.record('b', 'default', 'i', resolved(res('1', D1), 't'));
  cache.retain(new Set(['a\u0000default']));
  assert.deepEqual(cache.entries().map((e) => e.watch), ['a']);
});

test('snapshot round trip, atomic replace, and clear errors for corrupt files', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'aip-cache-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'cache.json');
  assert.equal(await loadSnapshot(path), undefined, 'a missing file is a first start');
  const cache = createResolutionCache();
  cache.record('web', 'default', 'ghcr.io/acme/web', resolved(res('1.0.0', D1), 't1'));
  const snap: Snapshot = { version: SNAPSHOT_VERSION, savedAt: 't1', entries: cache.entries(), metadata: { images: {}, tags: { 'ghcr.io/acme/web': { '1.0.0': D1 } } }, scans: { 'ghcr.io/acme/web': 't1' } };
  await saveSnapshot(path, snap);
  await saveSnapshot(path, snap);
  assert.deepEqual(await readdir(join(dir, 'sub')), ['cache.json'], 'no temporary files left behind');
  const back = await loadSnapshot(path);
  assert.deepEqual(back, JSON.parse(await readFile(path, 'utf8')));
  assert.equal(back?.entries[0]?.current?.tag, '1.0.0');

  await writeFile(path, '{"version":1,"entries":[{"watch":1}]');
  await assert.rejects(loadSnapshot(path), { code: 'CACHE_CORRUPT' });
  await writeFile(path, JSON.stringify({ version: 99 }));
  await assert.rejects(loadSnapshot(path), { code: 'CACHE_CORRUPT', message: /unknown format/ });
  await writeFile(path, JSON.stringify({ version: 1, entries: [{ watch: 'w' }], metadata: {}, scans: {} }));
  await assert.rejects(loadSnapshot(path), { code: 'CACHE_CORRUPT', message: /malformed/ });
});

test('without autoCommit, readers see a record only once its checkpoint is committed', () => {
  const cache = createResolutionCache({ autoCommit: false });
  const published: string[] = [];
  cache.onChange((changed) => published.push(changed.map((e) => e.current?.tag).join()));
  cache.record('web', 'default', 'i', resolved(res('1.0.0', D1), 't1'));
  assert.equal(cache.get('web', 'default'), undefined, 'not served before it is persisted');
  assert.equal(cache.latest('web', 'default')?.current?.tag, '1.0.0', 'the poller decides from the latest state');
  const first = cache.checkpoint();
  assert.deepEqual(first.entries.map((e) => e.current?.tag), ['1.0.0']);
  // A record made while the snapshot is being written waits for the next checkpoint.
  cache.record('web', 'default', 'i', resolved(res('1.1.0', D2), 't2'));
  first.commit();
  assert.equal(cache.get('web', 'default')?.current?.tag, '1.0.0');
  assert.deepEqual(published, ['1.0.0']);
  cache.checkpoint().commit();
  assert.equal(cache.get('web', 'default')?.current?.tag, '1.1.0');
  assert.deepEqual(published, ['1.0.0', '1.1.0']);
  cache.checkpoint().commit();
  assert.equal(published.length, 2, 'an empty checkpoint publishes nothing');
});

test('temporary files of an interrupted write are removed at start, and nothing else', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'aip-cache-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'cache.json');
  await writeFile(path, '{}');
  await writeFile(join(dir, '.cache.json.4242.7.tmp'), '{"half": ');
  await writeFile(join(dir, 'other.json'), '{}');
  await writeFile(join(dir, '.other.json.1.1.tmp'), '{}');
  assert.deepEqual(await removeLeftoverTemps(path), ['.cache.json.4242.7.tmp']);
  assert.deepEqual((await readdir(dir)).sort(), ['.other.json.1.1.tmp', 'cache.json', 'other.json']);
});
