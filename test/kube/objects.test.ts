// ConfigMaps and Leases through our client against the loopback API peer (test/helpers/kube-api.ts,
// kube-api-objects.ts): optimistic concurrency, the 1 MiB ConfigMap limit, watches that resume
// from a bookmark and start over after 410 Expired, RBAC limited to named objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createObjectClient, type KubeObject, type WatchEventType } from '../../src/kube/objects.ts';
import { createTransport } from '../../src/kube/transport.ts';
import { startKubeApi } from '../helpers/kube-api.ts';
import { until } from '../helpers/until.ts';

function clientFor(url: string, token: string) {
  const transport = createTransport({ server: url, token: () => token, insecure: false }, 5000);
  return { objects: createObjectClient(transport), close: () => transport.close() };
}

test('create, get, update fenced by resourceVersion (409 for a stale writer), merge patch, 422 over 1 MiB', async (t) => {
  const api = await startKubeApi(t);
  const c = clientFor(api.url, api.token);
  t.after(() => c.close());
  assert.equal(await c.objects.get('configmaps', 'ns', 'state'), undefined);
  const made = await c.objects.create('configmaps', 'ns', { metadata: { name: 'state' }, data: { a: '1' } });
  await assert.rejects(c.objects.create('configmaps', 'ns', { metadata: { name: 'state' } }), { code: 'KUBE_CONFLICT' });
  const next = await c.objects.update('configmaps', 'ns', { metadata: made.metadata, data: { a: '2' } });
  assert.ok(Number(next.metadata.resourceVersion) > Number(made.metadata.resourceVersion));
  await assert.rejects(c.objects.update('configmaps', 'ns', { metadata: made.metadata, data: { a: 'stale' } }), { code: 'KUBE_CONFLICT' });
  assert.deepEqual((await c.objects.get('configmaps', 'ns', 'state'))?.data, { a: '2' });
  const patched = await c.objects.patch('configmaps', 'ns', 'state', { data: { b: 'x' } });
  assert.deepEqual(patched.data, { a: '2', b: 'x' });
  await assert.rejects(c.objects.update('configmaps', 'ns', { metadata: { name: 'state' }, data: { big: 'x'.repeat(1024 * 1024) } }), { code: 'KUBE_INVALID' });
  const lease = await c.objects.create('leases', 'ns', { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } });
  assert.equal(lease.kind, 'Lease');
});

test('a watch sees changes, moves with bookmarks, and after 410 Expired starts again from the current object', async (t) => {
  const api = await startKubeApi(t, { bookmarkMs: 20 });
  const c = clientFor(api.url, api.token);
  t.after(() => c.close());
  await c.objects.create('leases', 'ns', { metadata: { name: 'other' } });
  const made = await c.objects.create('leases', 'ns', { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } });
  const seen: Array<[WatchEventType, string]> = [];
  const abort = new AbortController();
  const errors: unknown[] = [];
  const done = c.objects.watch('leases', 'ns', 'l', (type, o: KubeObject) => seen.push([type, String((o.spec as { holderIdentity?: string }).holderIdentity)]), { signal: abort.signal, retryMs: 20, onError: (e) => errors.push(e) });
  t.after(async () => {
    abort.abort();
    await done;
  });
  await until(() => seen.length === 1, { what: 'the current object' });
  await c.objects.update('leases', 'ns', { metadata: made.metadata, spec: { holderIdentity: 'b' } });
  await c.objects.update('leases', 'ns', { metadata: { name: 'other' }, spec: { holderIdentity: 'not watched' } });
  await until(() => seen.length === 2, { what: 'the change' });
  assert.deepEqual(seen, [['ADDED', 'a'], ['MODIFIED', 'b']]);
  // The stream ends; history is compacted; the resumed watch gets 410 and re-reads the object.
  api.compact();
  api.objects.dropWatches();
  await until(() => seen.length === 3, { what: 'the re-read after 410' });
  assert.deepEqual(seen[2], ['ADDED', 'b']);
});

test('a watch resumed within the history gets exactly the events it missed', async (t) => {
  const api = await startKubeApi(t, { bookmarkMs: 60_000 });
  const c = clientFor(api.url, api.token);
  t.after(() => c.close());
  let current = await c.objects.create('configmaps', 'ns', { metadata: { name: 's' }, data: { n: '0' } });
  const seen: string[] = [];
  const abort = new AbortController();
  const done = c.objects.watch('configmaps', 'ns', 's', (type, o) => seen.push(`${type} ${(o.data as { n: string }).n}`), { signal: abort.signal, retryMs: 20 });
  t.after(async () => {
    abort.abort();
    await done;
  });
  await until(() => seen.length === 1, { what: 'first' });
  api.objects.dropWatches();
  current = await c.objects.update('configmaps', 'ns', { metadata: current.metadata, data: { n: '1' } });
  await c.objects.update('configmaps', 'ns', { metadata: current.metadata, data: { n: '2' } });
  await until(() => seen.length === 3, { what: 'both changes' });
  assert.deepEqual(seen, ['ADDED 0', 'MODIFIED 1', 'MODIFIED 2']);
});

test('RBAC resourceNames limit get and update to the named object; create is not limited by name', async (t) => {
  const api = await startKubeApi(t, { tokens: { sa: [{ verbs: ['get', 'update'], resources: ['leases'], names: ['mine'] }, { verbs: ['create'], resources: ['leases'] }] } });
  const c = clientFor(api.url, 'sa');
  t.after(() => c.close());
  const mine = await c.objects.create('leases', 'ns', { metadata: { name: 'mine' } });
  await c.objects.create('leases', 'ns', { metadata: { name: 'theirs' } });
  assert.ok(await c.objects.get('leases', 'ns', 'mine'));
  await c.objects.update('leases', 'ns', { metadata: mine.metadata, spec: {} });
  await assert.rejects(c.objects.get('leases', 'ns', 'theirs'), { code: 'KUBE_FORBIDDEN' });
  await assert.rejects(c.objects.patch('leases', 'ns', 'mine', { spec: {} }), { code: 'KUBE_FORBIDDEN' });
});

test('a blocked token is refused at the connection and its watches end', async (t) => {
  const api = await startKubeApi(t);
  const c = clientFor(api.url, api.token);
  t.after(() => c.close());
  await c.objects.create('leases', 'ns', { metadata: { name: 'l' } });
  api.block(api.token);
  await assert.rejects(c.objects.get('leases', 'ns', 'l'), { code: 'KUBE_UNAVAILABLE' });
  api.unblock(api.token);
  assert.ok(await c.objects.get('leases', 'ns', 'l'));
});
