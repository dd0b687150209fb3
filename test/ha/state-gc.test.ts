// When the shared state shrinks, the leader deletes the shard ConfigMaps the new head no longer
// names, fenced: never while not leading, never after its head write was refused, and a delete only
// removes the shard version it knows (DeleteOptions precondition).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createObjectClient } from '../../src/kube/objects.ts';
import { createTransport } from '../../src/kube/transport.ts';
import { createStateStore, type StateStore } from '../../src/ha/state-store.ts';
import { silentLogger } from '../generator/fixture.ts';
import { startKubeApi, type KubeApiPeer } from '../helpers/kube-api.ts';

const TOKEN = 'gc-token';

function client(t: TestContext, api: KubeApiPeer): ReturnType<typeof createObjectClient> {
  const transport = createTransport({ server: api.url, token: () => TOKEN, insecure: false }, 2000);
  t.after(() => transport.close());
  return createObjectClient(transport);
}

function store(t: TestContext, api: KubeApiPeer, leading: { value: boolean }): StateStore {
  return createStateStore({ objects: client(t, api), namespace: 'ns', name: 'state', labels: {}, logger: silentLogger(), isLeader: () => leading.value, shardBytes: 100 });
}

function shardsIn(api: KubeApiPeer): string[] {
  return [0, 1, 2, 3, 4, 5, 6].filter((i) => api.objects.get('configmaps', 'ns', `state-${i}`)).map((i) => `state-${i}`);
}

const text = (bytes: number): string => JSON.stringify({ pad: 'x'.repeat(bytes - 10) });

test('a shrinking state leaves no surplus shards; a reader still assembles every revision', async (t) => {
  const api = await startKubeApi(t, { tokens: { [TOKEN]: [{ verbs: ['*'], resources: ['*'] }] } });
  const leader = store(t, api, { value: true });
  const reader = store(t, api, { value: false });
  assert.equal(await leader.publish(text(450)), 1);
  assert.deepEqual(shardsIn(api), ['state-0', 'state-1', 'state-2', 'state-3', 'state-4']);
  assert.equal(await leader.publish(text(150)), 2);
  assert.deepEqual(shardsIn(api), ['state-0', 'state-1']);
  assert.equal((await reader.read())?.text, text(150));
  assert.equal(await leader.publish(text(50)), 3);
  assert.deepEqual(shardsIn(api), [], 'an inline state needs no shards');
  assert.equal((await reader.read())?.text, text(50));

  // A new leader (a fresh store) learns the shard count from the head it reads.
  assert.equal(await leader.publish(text(350)), 4);
  const next = store(t, api, { value: true });
  assert.equal(await next.publish(text(120)), 5);
  assert.deepEqual(shardsIn(api), ['state-0', 'state-1']);
});

test('a replica that no longer leads, or whose head write is fenced out, deletes no shard', async (t) => {
  const api = await startKubeApi(t, { tokens: { [TOKEN]: [{ verbs: ['*'], resources: ['*'] }] } });
  const oldLeading = { value: true };
  const old = store(t, api, oldLeading);
  assert.equal(await old.publish(text(450)), 1);
  // Another leader writes a newer, still large state; the old one, unaware, tries to shrink it.
  const current = store(t, api, { value: true });
  assert.equal(await current.publish(text(460)), 2);
  assert.equal(await old.publish(text(50)), undefined, 'head write fenced by resourceVersion');
  assert.deepEqual(shardsIn(api), ['state-0', 'state-1', 'state-2', 'state-3', 'state-4']);
  assert.equal((await current.read())?.text, text(460));
  oldLeading.value = false;
  assert.equal(await old.publish(text(50)), undefined, 'not leading: no write at all');
  assert.deepEqual(shardsIn(api), ['state-0', 'state-1', 'state-2', 'state-3', 'state-4']);
});

test('a delete with a resourceVersion precondition refuses another version (409) and ignores a missing object', async (t) => {
  const api = await startKubeApi(t, { tokens: { [TOKEN]: [{ verbs: ['*'], resources: ['*'] }] } });
  const objects = client(t, api);
  const made = await objects.create('configmaps', 'ns', { metadata: { name: 'cm' }, data: { a: '1' } });
  const changed = await objects.update('configmaps', 'ns', { metadata: made.metadata, data: { a: '2' } });
  await assert.rejects(objects.delete('configmaps', 'ns', 'cm', made.metadata.resourceVersion), { code: 'KUBE_CONFLICT' });
  assert.ok(api.objects.get('configmaps', 'ns', 'cm'));
  await objects.delete('configmaps', 'ns', 'cm', changed.metadata.resourceVersion);
  assert.equal(api.objects.get('configmaps', 'ns', 'cm'), undefined);
  await objects.delete('configmaps', 'ns', 'cm');
});
