// Several replicas: a state is served once it is published to the API; the leader's local
// warm-start file follows. A slow file write must neither hold back serving what was published nor
// the next publish, and the newest state still reaches the file (older waiting ones are skipped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPersister } from '../../src/cache/persist.ts';
import type { Snapshot } from '../../src/cache/snapshot.ts';
import { silentLogger } from '../generator/fixture.ts';
import { until } from '../helpers/until.ts';

interface Probe {
  readonly published: number[];
  readonly served: number[];
  readonly saved: number[];
  /** Ends the oldest save (or publish) still waiting. */
  readonly saves: Array<() => void>;
  readonly publishes: Array<() => void>;
}

function persisterWith(probe: Probe, holdPublish: boolean): ReturnType<typeof createPersister> {
  let state = 0;
  return createPersister({
    path: () => 'unused-by-this-test.json',
    snapshot: () => {
      const n = (state += 1);
      return { data: { entries: [], metadata: { images: {}, tags: {} } as unknown as Snapshot['metadata'], scans: { n: String(n) } }, written: () => void probe.served.push(n) };
    },
    publish: (data) => new Promise<boolean>((resolve) => {
      const done = (): void => (probe.published.push(Number(data.scans.n)), resolve(true));
      if (holdPublish) probe.publishes.push(done);
      else done();
    }),
    saveWarmStart: (_path, snapshot) => new Promise<void>((resolve) => probe.saves.push(() => (probe.saved.push(Number(snapshot.scans.n)), resolve()))),
    now: () => 0,
    logger: silentLogger(),
  });
}

const probe = (): Probe => ({ published: [], served: [], saved: [], saves: [], publishes: [] });

test('a slow warm-start file write holds back neither serving nor the next publish', async () => {
  const p = probe();
  const persister = persisterWith(p, false);
  const flushes = [persister.flush()];
  // The first file write is stuck; the next three publishes and serves still go through.
  await until(() => p.saves.length === 1, { what: 'a file write to start', everyMs: 1 });
  for (let i = 2; i <= 4; i++) {
    flushes.push(persister.flush());
    await until(() => p.served.length === i, { what: 'the next state served', everyMs: 1 });
  }
  assert.deepEqual(p.published, [1, 2, 3, 4]);
  assert.deepEqual(p.served, [1, 2, 3, 4]);
  assert.deepEqual(p.saved, []);
  p.saves.shift()!();
  // Only the newest waiting state is written next.
  await until(() => p.saves.length === 1, { what: 'a file write to start', everyMs: 1 });
  p.saves.shift()!();
  await Promise.all(flushes);
  assert.deepEqual(p.saved, [1, 4]);
});

test('writes asked for while one is in progress become one write, which holds them all', async () => {
  const p = probe();
  const persister = persisterWith(p, true);
  const first = persister.flush();
  await until(() => p.publishes.length === 1, { what: 'the next publish to start', everyMs: 1 });
  const joined = Array.from({ length: 50 }, () => persister.flush());
  p.publishes.shift()!();
  await until(() => p.publishes.length === 1, { what: 'the next publish to start', everyMs: 1 });
  p.publishes.shift()!();
  await until(() => p.saves.length === 1, { what: 'a file write to start', everyMs: 1 });
  p.saves.shift()!();
  await until(() => p.saves.length === 1, { what: 'a file write to start', everyMs: 1 });
  p.saves.shift()!();
  assert.deepEqual(p.publishes.length, 0, 'no third publish waits');
  await Promise.all([first, ...joined]);
  assert.deepEqual(p.published, [1, 2], 'fifty asks during the first publish are one more publish');
  assert.deepEqual(p.served, [1, 2]);
  assert.deepEqual(p.saved, [1, 2]);
});
