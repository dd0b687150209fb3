// A leader follows the head it writes. Its own watch event for a head may arrive before the write's
// answer does; that event is not a newer state from someone else, and must not be handed on as one
// (a replica reloading it put an older snapshot back over what it had resolved since). The order is
// forced: the head's update answers only after the watch delivered that very version and the event
// was handled, so the race happens every time, against the real API peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createObjectClient, type ObjectClient } from '../../src/kube/objects.ts';
import { createTransport } from '../../src/kube/transport.ts';
import { createStateStore, type SharedState } from '../../src/ha/state-store.ts';
import { silentLogger } from '../generator/fixture.ts';
import { startKubeApi } from '../helpers/kube-api.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'echo-token';

/** The real client, except that an update of `head` answers only once the watch has shown its new version. */
function echoFirst(objects: ObjectClient, head: string): { client: ObjectClient; delivered: Set<string> } {
  const delivered = new Set<string>();
  const client: ObjectClient = {
    ...objects,
    watch: (kind, namespace, name, onEvent, options) => objects.watch(kind, namespace, name, (type, object) => {
      onEvent(type, object);
      if (object.metadata.resourceVersion) delivered.add(object.metadata.resourceVersion);
    }, options),
    async update(kind, namespace, object) {
      const written = await objects.update(kind, namespace, object);
      if (object.metadata.name !== head) return written;
      await until(() => delivered.has(written.metadata.resourceVersion ?? '') || undefined, { what: `the watch event of ${head} ${written.metadata.resourceVersion}` });
      // The event's handling runs on promises only (an inline state reads no shard): done by the next turn.
      await new Promise((resolve) => setImmediate(resolve));
      return written;
    },
  };
  return { client, delivered };
}

test('a leader does not take its own head, seen on its watch before the write returned, for a newer state', async (t) => {
  const api = await startKubeApi(t, { tokens: { [TOKEN]: [{ verbs: ['*'], resources: ['*'] }] } });
  const transport = createTransport({ server: api.url, token: () => TOKEN, insecure: false }, 2000);
  t.after(() => transport.close());
  const { client, delivered } = echoFirst(createObjectClient(transport), 'state');
  const store = createStateStore({ objects: client, namespace: 'ns', name: 'state', labels: {}, logger: silentLogger(), isLeader: () => true });
  assert.equal(await store.publish('{"n":1}'), 1, 'the first head is created (no update, no race)');

  const handed: SharedState[] = [];
  const abort = new AbortController();
  const following = store.follow((state) => handed.push(state), abort.signal);
  t.after(async () => {
    abort.abort();
    await following;
  });
  await until(() => delivered.size > 0 || undefined, { what: 'the watch delivering the current head' });

  assert.equal(await store.publish('{"n":2}'), 2);
  assert.equal(await store.publish('{"n":3}'), 3);
  assert.deepEqual(handed, [], 'none of its own heads came back as a newer state');
  assert.equal(store.revision(), 3);
});
