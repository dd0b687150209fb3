// Several replicas: the leader publishes the whole state (megabytes at 10 000 watches) on every
// publish, so publishes that scans ask for are spaced by the size of the last one
// (HA_STATE_PUBLISH_BYTES_PER_SECOND), while a push's change and a flush are published at once.
// The persister's spacing with a one-hour spacing (only a flush or a hurry can publish), and two real
// `serve --ha` processes at 4 bytes/s: the start-up scans' resolutions wait for the spacing after the
// first (tiny) state, and a push that follows is published at once although the next spacing is minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { createPersister, type Persister } from '../../src/cache/persist.ts';
import type { Snapshot } from '../../src/cache/snapshot.ts';
import { publishSpacingMs, PUBLISH_BYTES_PER_SECOND_DEFAULT } from '../../src/ha/leader-role.ts';
import { haSettingsFrom } from '../../src/ha/settings.ts';
import { silentLogger } from '../generator/fixture.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { until } from '../helpers/until.ts';
import { ask, startCluster, tagOf, WEBHOOK_SECRET } from './replicas.ts';

interface Probe {
  /** Snapshot numbers published, in order, and when each publish started and ended (performance.now()). */
  readonly published: Array<{ n: number; started: number; ended: number }>;
}

function persisterWith(probe: Probe, spacingMs: number): Persister {
  let state = 0;
  return createPersister({
    path: () => 'unused-by-this-test.json',
    snapshot: () => ({ data: { entries: [], metadata: { images: {}, tags: {} } as unknown as Snapshot['metadata'], scans: { n: String((state += 1)) } }, written: () => undefined }),
    publish: async (data) => {
      const started = performance.now();
      await new Promise((resolve) => setImmediate(resolve));
      probe.published.push({ n: Number(data.scans.n), started, ended: performance.now() });
      return true;
    },
    saveWarmStart: async () => undefined,
    now: () => performance.now(),
    logger: silentLogger(),
    spacingMs: () => spacingMs,
  });
}

test('publishes asked for by scans wait for the spacing after the last one; a flush does not', async () => {
  const p: Probe = { published: [] };
  const persister = persisterWith(p, 3_600_000);
  await persister.flush();
  for (let i = 0; i < 50; i++) {
    if (i % 2 === 0) persister.prompt();
    else persister.soon();
  }
  // Fifty scans within the spacing are not fifty publishes (without spacing they were 1 + 1: one running, one joining it): only the flush publishes, holding them all.
  await persister.flush();
  assert.deepEqual(p.published.map((x) => x.n), [1, 2]);
});

test('a hurry publishes a prompt ask at once, and nothing for a soon ask', async () => {
  const p: Probe = { published: [] };
  const persister = persisterWith(p, 3_600_000);
  await persister.flush();
  persister.soon();
  persister.hurry();
  await persister.flush();
  assert.deepEqual(p.published.map((x) => x.n), [1, 2], 'the soon ask waited for the flush');
  persister.prompt();
  persister.hurry();
  await until(() => p.published.length === 3 || undefined, { what: 'the hurried publish' });
  await persister.flush();
  assert.deepEqual(p.published.map((x) => x.n), [1, 2, 3, 4]);
});

test('a spaced publish goes once the spacing after the last publish has passed, holding every ask meanwhile', async () => {
  const p: Probe = { published: [] };
  const spacing = 300;
  const persister = persisterWith(p, spacing);
  await persister.flush();
  for (let i = 0; i < 10; i++) persister.prompt();
  await until(() => p.published.length === 2 || undefined, { what: 'the spaced publish', everyMs: 5 });
  const [first, second] = p.published as [Probe['published'][0], Probe['published'][0]];
  // A timer counts from the event loop's cached time, which a busy loop leaves behind: it may fire some ms early by performance.now().
  assert.ok(second.started - first.ended >= spacing - 100, `${(second.started - first.ended).toFixed(1)} ms after the last publish`);
  await persister.flush();
  assert.equal(p.published.length, 3, 'the ten asks were one publish');
});

test('the spacing is the last state\'s bytes over HA_STATE_PUBLISH_BYTES_PER_SECOND (default 512 KiB/s)', () => {
  assert.equal(publishSpacingMs(9 * 1024 * 1024), 18_000);
  assert.equal(publishSpacingMs(100 * 1024), 1000 / 5.12);
  assert.equal(publishSpacingMs(2048, 1024), 2000);
  const env = { POD_NAME: 'a', POD_NAMESPACE: 'argocd' };
  assert.equal(haSettingsFrom(env).publishBytesPerSecond, PUBLISH_BYTES_PER_SECOND_DEFAULT);
  assert.equal(haSettingsFrom({ ...env, HA_STATE_PUBLISH_BYTES_PER_SECOND: '1048576' }).publishBytesPerSecond, 1_048_576);
  for (const bad of ['0', '-1', '1.5', 'fast', '99999999999']) {
    assert.throws(() => haSettingsFrom({ ...env, HA_STATE_PUBLISH_BYTES_PER_SECOND: bad }), (err: Error & { code?: string }) => err.code === 'REPLICAS_SETTINGS_INVALID' && err.message.includes('HA_STATE_PUBLISH_BYTES_PER_SECOND'), bad);
  }
});

/** The published head's revision and the bytes of its state (an inline state: a small one). */
function head(cluster: Awaited<ReturnType<typeof startCluster>>): { revision: number; bytes: number } {
  const data = cluster.api.objects.get('configmaps', 'argocd', 'argocd-image-plugins-state')?.data as Record<string, string> | undefined;
  return { revision: Number(data?.revision ?? 0), bytes: data?.['state.json']?.length ?? 0 };
}

test('two replicas at 4 bytes/s: the scans\' publish waits for the spacing after the first, a push is published at once', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  await pushImage(reg, 'acme/api', '2.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const watches = [{ name: 'web', image: `${reg.host}/acme/web`, policy: { semver: { range: '^1.0.0' } } }, { name: 'api', image: `${reg.host}/acme/api`, policy: { semver: { range: '^2.0.0' } } }];
  // Production Lease timings: one leader for the whole test.
  const cluster = await startCluster(t, reg, ['a', 'b'], { timing: { lease: 15, renew: 10, retry: 2 }, env: { HA_STATE_PUBLISH_BYTES_PER_SECOND: '4' }, config: { watches } });
  const leaderId = await until(() => cluster.leader() || undefined, { what: 'a leader' });
  const follower = cluster.replicas.find((r) => r.id !== leaderId)!;
  // The leader publishes at once when it starts (no state in the API yet: a few dozen bytes), then
  // scans both repositories; their resolutions are published once the first state's bytes / 4 s have passed.
  const first = await until(() => (head(cluster).revision >= 1 ? head(cluster) : undefined), { what: 'the start-up publish', everyMs: 10 });
  assert.equal(first.revision, 1, 'the start-up state stays published for a while (the scans\' resolutions wait for its spacing)');
  const second = await until(() => (head(cluster).revision === 2 ? head(cluster) : undefined), { what: 'the scans\' publish', deadlineMs: 120_000, everyMs: 10 });
  // The head's create names it in its body only (the write log has no name for it); no other ConfigMap is written before the push.
  const writes = cluster.api.writes.filter((w) => w.resource === 'configmaps' && w.code < 300);
  assert.deepEqual(writes.map((w) => `${w.verb} ${w.name}`), ['create ', 'update argocd-image-plugins-state']);
  const gapMs = writes[1]!.at - writes[0]!.at;
  t.diagnostic(`start-up state ${first.bytes} bytes, next publish after ${gapMs.toFixed(0)} ms; scanned state ${second.bytes} bytes`);
  assert.ok(gapMs >= (first.bytes / 4) * 1000 - 50, `the scans' publish waited ${gapMs.toFixed(0)} ms, not ${first.bytes / 4} s`);
  await until(async () => ((await ask(follower.url)).revision === 2 || undefined), { what: 'the follower serving revision 2' });

  // The next spaced publish may wait minutes (the scanned state's bytes / 4): a push does not.
  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  const hook = await request(`${follower.url}/api/v1/webhooks/distribution`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` }, body: JSON.stringify({ events: [{ action: 'push', target: { repository: 'acme/web', tag: '1.1.0' }, request: { host: reg.host } }] }) });
  assert.equal(hook.statusCode, 202, await hook.body.text());
  const pushed = await until(async () => {
    const a = await ask(follower.url);
    return tagOf(a.text) === '1.1.0' ? a : undefined;
  }, { what: 'the follower serving the pushed tag', deadlineMs: ((second.bytes / 4) * 1000) / 2 });
  assert.equal(pushed.revision, 3, 'the push was the next publish');
});
