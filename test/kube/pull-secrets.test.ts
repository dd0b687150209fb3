// Pull Secrets read and watched through the loopback API peer: the first read, rotation without a
// restart, content that cannot be used (the last good credentials survive), deletion, wrong type, a
// missing Secret named as such, and watches that follow the config.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createPullSecretWatch } from '../../src/kube/pull-secrets.ts';
import type { RegistryConfig } from '../../src/config/types.ts';
import { startKubeApi } from '../helpers/kube-api.ts';
import { dockerConfigSecret, objectClientFor } from '../helpers/pull-secret.ts';
import { captureLogs, registryConfig } from '../registry/support.ts';
import { until } from '../helpers/until.ts';

const uses = (namespace: string, name: string): RegistryConfig => registryConfig('https://registry.example', { auth: { kind: 'pullSecret', namespace, name } });

async function setup(t: TestContext) {
  const api = await startKubeApi(t);
  const client = objectClientFor(api.url, api.token);
  t.after(() => client.close());
  const logs = captureLogs();
  const watch = createPullSecretWatch({ objects: () => client.objects, logger: logs.logger, retryMs: 50 });
  t.after(() => watch.close());
  const del = (ns: string, name: string) => fetch(`${api.url}/api/v1/namespaces/${ns}/secrets/${name}`, { method: 'DELETE', headers: { authorization: `Bearer ${api.token}` } });
  return { api, objects: client.objects, watch, logs, del };
}

type Read = ReturnType<ReturnType<typeof createPullSecretWatch>['read']>;
const userOf = (r: Read): string | undefined => {
  const login = r.ok ? r.logins.get('registry.example') : undefined;
  return typeof login === 'object' ? login.username : undefined;
};
const reasonOf = (r: Read): string => (r.ok ? '' : r.reason);
const logged = (logs: ReturnType<typeof captureLogs>, msg: string): number => logs.records().filter((r) => r.msg === msg).length;

test('read once, rotated without a restart; unusable content keeps the last good login; deletion drops it', async (t) => {
  const { objects, watch, logs, del } = await setup(t);
  await objects.create('secrets', 'argocd', dockerConfigSecret('regcred', { 'https://registry.example/v1/': { username: 'first', password: 'p1' } }));
  watch.update([uses('argocd', 'regcred')]);
  await watch.settled();
  assert.equal(userOf(watch.read('argocd', 'regcred')), 'first');
  await objects.update('secrets', 'argocd', dockerConfigSecret('regcred', { 'registry.example': { username: 'second', password: 'p2' } }));
  await until(() => userOf(watch.read('argocd', 'regcred')) === 'second', { what: 'the rotated login' });
  await objects.patch('secrets', 'argocd', 'regcred', { data: { '.dockerconfigjson': Buffer.from('{not json').toString('base64') } });
  await until(() => logged(logs, 'pull Secret changed to something unusable: keeping the last good credentials') === 1, { what: 'the unusable change seen' });
  assert.equal(userOf(watch.read('argocd', 'regcred')), 'second', 'the last good login survives unusable content');
  assert.ok(!logs.text().includes('p2'), 'no password in the logs');
  assert.equal((await del('argocd', 'regcred')).status, 200);
  await until(() => !watch.read('argocd', 'regcred').ok, { what: 'the deletion' });
  assert.equal(reasonOf(watch.read('argocd', 'regcred')), 'was deleted');
  await objects.create('secrets', 'argocd', dockerConfigSecret('regcred', { 'registry.example': { username: 'third', password: 'p3' } }));
  await until(() => userOf(watch.read('argocd', 'regcred')) === 'third', { what: 'the re-created Secret' });
});

test('a missing Secret, a Secret of another type and an unwatched name are each named as such', async (t) => {
  const { objects, watch } = await setup(t);
  await objects.create('secrets', 'argocd', { metadata: { name: 'opaque' }, type: 'Opaque', data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') } });
  watch.update([uses('argocd', 'missing'), uses('argocd', 'opaque')]);
  await watch.settled();
  assert.equal(reasonOf(watch.read('argocd', 'missing')), 'was not found in namespace argocd');
  assert.match(reasonOf(watch.read('argocd', 'opaque')), /is of type "Opaque", not kubernetes.io\/dockerconfigjson/);
  assert.match(reasonOf(watch.read('argocd', 'other')), /not watched/);
  // the missing Secret appears later: the watch picks it up
  await objects.create('secrets', 'argocd', dockerConfigSecret('missing', { 'registry.example': { username: 'late', password: 'p' } }));
  await until(() => userOf(watch.read('argocd', 'missing')) === 'late', { what: 'the late Secret' });
});

test('watches follow the config: a Secret no registry names any more is no longer watched', async (t) => {
  const { api, objects, watch } = await setup(t);
  await objects.create('secrets', 'argocd', dockerConfigSecret('a', { 'registry.example': { username: 'a', password: 'p' } }));
  watch.update([uses('argocd', 'a')]);
  await watch.settled();
  await until(() => api.objects.watchers() === 1, { what: 'one watch open' });
  watch.update([]);
  await until(() => api.objects.watchers() === 0, { what: 'no watch open' });
  assert.match(reasonOf(watch.read('argocd', 'a')), /not watched/);
});
