// Several replicas: a state is served once it is published to the API; the leader's local
// warm-start file follows. A slow file write must neither hold back serving what was published nor
// the next publish, and the newest state still reaches the file (older waiting ones are skipped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPersister } from '../../src/cache/persist.ts';
import type { Snapshot } from '../../src/cache/snapshot.ts';
import { silentLogger } from '../generator/fixture.ts';
import { until } from '../helpers/until.ts';

test('a slow warm-start file write holds back neither serving nor the next publish', async () => {
  let state = 0;
  const published: number[] = [];
  const served: number[] = [];
  const saved: number[] = [];
  const releases: Array<() => void> = [];
  const persister = createPersister({
    path: () => 'unused-by-this-test.json',
    snapshot: () => {
      const n = (state += 1);
      return { data: { entries: [], metadata: { images: {}, tags: {} } as unknown as Snapshot['metadata'], scans: { n: String(n) } }, written: () => void served.push(n) };
    },
    publish: async (data) => (published.push(Number(data.scans.n)), true),
    saveWarmStart: (_path, snapshot) => new Promise<void>((resolve) => releases.push(() => (saved.push(Number(snapshot.scans.n)), resolve()))),
    now: () => 0,
    logger: silentLogger(),
  });
  const first = persister.flush();
  // The first file write is stuck; the next three publishes and serves still go through.
  await until(() => releases.length === 1, { what: 'the first file write to start', everyMs: 1 });
  const later = [persister.flush(), persister.flush(), persister.flush()];
  await until(() => served.length === 4, { what: 'four states served', everyMs: 1 });
  assert.deepEqual(published, [1, 2, 3, 4]);
  assert.deepEqual(served, [1, 2, 3, 4]);
  assert.deepEqual(saved, []);
  releases.shift()!();
  // Only the newest waiting state is written next.
  await until(() => releases.length === 1, { what: 'the newest waiting state to be written', everyMs: 1 });
  releases.shift()!();
  await Promise.all([first, ...later]);
  assert.deepEqual(saved, [1, 4]);
});
