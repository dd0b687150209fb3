// The service's Application watcher (src/kube/applications.ts) through the real object client against
// the loopback Kubernetes API peer: when the resourceVersion it watches from has expired (410 Gone,
// as an ERROR event inside the stream or as the HTTP status of the watch request; API concepts,
// "Efficient detection of changes"), it lists again and sees what changed while it was away, and
// between the 410 and the end of that list its data reads as unknown, so no gate can open on it. A
// stream that stays open and sends nothing (not even the bookmarks it asked for) is dropped after the
// idle bound, and the data reads as unknown until the list that follows.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { watchApplications, type ApplicationsWatch } from '../../src/kube/applications.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { startKubeApi, type KubeApiPeer } from '../helpers/kube-api.ts';
import { ApplicationWriter } from '../helpers/kube-api-applications.ts';
import { objectClientFor } from '../helpers/pull-secret.ts';
import { silentLogger } from '../generator/fixture.ts';
import { until } from '../helpers/until.ts';

const NS = 'argocd';
const SERVER = 'https://stg-1.example:6443';

async function watching(t: TestContext, idleMs?: number): Promise<{ api: KubeApiPeer; apps: ApplicationWriter; watch: ApplicationsWatch }> {
  const api = await startKubeApi(t, { bookmarkMs: 50 });
  const apps = new ApplicationWriter(api.url, api.token);
  await apps.put(NS, 'web-stg-1', { server: SERVER, images: ['ghcr.io/acme/web:1.0.0'] });
  // Held requests wait far longer than the default 5 s request bound, so a slow run never sees a timeout.
  const client = objectClientFor(api.url, api.token, 120_000);
  const watch = watchApplications({ objects: () => client.objects, namespaces: [NS], clock: systemClock, logger: silentLogger(), retryMs: 50, ...(idleMs !== undefined && { idleMs }) });
  t.after(async () => {
    watch.stop();
    await client.close();
  });
  await until(() => watch.view().known && watch.view().records.length === 1, { what: 'the first list' });
  await until(() => api.objects.watchers() === 1, { what: 'the watch stream' });
  return { api, apps, watch };
}

const healthOf = (watch: ApplicationsWatch, name: string): string | undefined => watch.view().records.find((r) => r.name === name)?.health;

/** Disconnects the watcher, changes and compacts while it is away, and holds its next list. */
async function expireWhileAway(api: KubeApiPeer, apps: ApplicationWriter): Promise<void> {
  api.held.arm('watch', 'applications');
  api.objects.dropWatches();
  await until(() => api.held.waiting('watch', 'applications') === 1, { what: 'the watcher to come back' });
  await apps.put(NS, 'web-stg-1', { server: SERVER, images: ['ghcr.io/acme/web:1.1.0'], health: 'Degraded' });
  await apps.put(NS, 'web-stg-2', { server: 'https://stg-2.example:6443', images: ['ghcr.io/acme/web:1.1.0'] });
  api.objects.compact();
  api.held.arm('list', 'applications');
}

for (const form of ['an ERROR event in the stream', 'the HTTP status of the watch'] as const) {
  test(`a 410 Gone as ${form}: the watcher lists again, sees the change made while it was away, and is unknown until that list`, async (t) => {
    const { api, apps, watch } = await watching(t);
    const lists = (): number => api.started.filter((s) => s.verb === 'list' && s.resource === 'applications').length;
    const listsBefore = lists();
    await expireWhileAway(api, apps);
    if (form === 'an ERROR event in the stream') api.held.release('watch', 'applications');
    else api.held.answer('watch', 'applications', 410, 'Expired', 'too old resource version');

    await until(() => api.held.waiting('list', 'applications') === 1, { what: 'the list after the 410' });
    const view = watch.view();
    assert.equal(view.known, false, 'the data reads as unknown between the 410 and the end of the list');
    assert.match(view.reason ?? '', /expired \(410 Gone\)/);
    assert.equal(healthOf(watch, 'web-stg-1'), 'Healthy', 'nothing of the change was seen yet');

    api.held.release('list', 'applications');
    await until(() => watch.view().known, { what: 'the data known again after the list' });
    assert.equal(healthOf(watch, 'web-stg-1'), 'Degraded', 'the change made while the watcher was away');
    assert.deepEqual(watch.view().records.map((r) => r.name).sort(), ['web-stg-1', 'web-stg-2']);
    assert.equal(lists(), listsBefore + 1, 'exactly one list again');
    await until(() => api.objects.watchers() === 1, { what: 'the watch again from the new list' });
    await apps.put(NS, 'web-stg-1', { server: SERVER, images: ['ghcr.io/acme/web:1.1.0'] });
    await until(() => healthOf(watch, 'web-stg-1') === 'Healthy', { what: 'a change through the new watch' });
  });
}

test('a watch stream that stays open and sends nothing, not even bookmarks, is dropped after the idle bound and listed again; the data is unknown meanwhile', async (t) => {
  const { api, apps, watch } = await watching(t, 2000);
  api.silentWatches.arm();
  api.objects.dropWatches();
  await until(() => api.silentWatches.answers.length === 1, { what: 'the silent stream' });
  const silent = api.silentWatches.answers[0]!;
  assert.equal(silent.query.get('allowWatchBookmarks'), 'true', 'bookmarks asked for');
  assert.ok(Number(silent.query.get('timeoutSeconds')) * 1000 < 2000, `timeoutSeconds ${silent.query.get('timeoutSeconds')} within the idle bound`);
  await apps.put(NS, 'web-stg-1', { server: SERVER, images: ['ghcr.io/acme/web:1.1.0'], health: 'Degraded' });
  api.held.arm('list', 'applications');

  await until(() => api.held.waiting('list', 'applications') === 1, { what: 'the list after the silent stream' });
  await until(() => silent.hungUp, { what: 'the silent stream dropped' });
  const view = watch.view();
  assert.equal(view.known, false, 'the data reads as unknown once the stream was silent past the bound');
  assert.match(view.reason ?? '', /the Application watch in argocd sent nothing \(no event, no bookmark\) for 2 s; listing again/);
  assert.equal(healthOf(watch, 'web-stg-1'), 'Healthy', 'the change was hidden by the silent stream');

  api.held.release('list', 'applications');
  await until(() => watch.view().known && healthOf(watch, 'web-stg-1') === 'Degraded', { what: 'the change seen from the new list' });
});
