// Credentials from a watched pull Secret against the real Distribution registry (bcrypt htpasswd):
// a wrong password is REG_AUTH naming nothing secret; the Secret is fixed through the API and the same
// client succeeds without a restart. Docker Hub style keys with scheme and path match the host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPullSecretWatch } from '../../src/kube/pull-secrets.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard } from '../helpers/images.ts';
import { startKubeApi } from '../helpers/kube-api.ts';
import { dockerConfigSecret, objectClientFor } from '../helpers/pull-secret.ts';
import { captureLogs, registryConfig, testClient } from './support.ts';
import { until } from '../helpers/until.ts';

let reg: TestRegistry;
before(async () => {
  reg = await startRegistry({ auth: 'basic' });
  await seedStandard(reg);
});
after(() => reg.stop());

test('a pull Secret rotated from a wrong to the right password: REG_AUTH, then tags, same client', async (t) => {
  const creds = reg.basic ?? assert.fail('no basic');
  const api = await startKubeApi(t);
  const kube = objectClientFor(api.url, api.token);
  t.after(() => kube.close());
  const logs = captureLogs();
  const watch = createPullSecretWatch({ objects: () => kube.objects, logger: logs.logger });
  t.after(() => watch.close());
  const config = registryConfig(reg.url, { auth: { kind: 'pullSecret', namespace: 'argocd', name: 'regcred' } });

  const { client } = testClient(config, { pullSecrets: watch.read });
  t.after(() => client.close());
  watch.update([config]);
  await watch.settled();
  await assert.rejects(client.listTags('test/app'), (e: { code: string; message: string }) => e.code === 'REG_AUTH' && /pull Secret argocd\/regcred was not found in namespace argocd/.test(e.message));

  await kube.objects.create('secrets', 'argocd', dockerConfigSecret('regcred', { [`http://${reg.host}/v2/`]: { username: creds.username, password: 'wrong-password' } }));
  await until(() => watch.read('argocd', 'regcred').ok, { what: 'the Secret read' });
  await assert.rejects(client.listTags('test/app'), (e: { code: string; message: string }) => e.code === 'REG_AUTH' && !e.message.includes('wrong-password'));

  await kube.objects.update('secrets', 'argocd', dockerConfigSecret('regcred', { [reg.host]: { username: creds.username, password: creds.password } }));
  await until(() => {
    const r = watch.read('argocd', 'regcred');
    const login = r.ok ? r.logins.get(reg.host) : undefined;
    return typeof login === 'object' && login.password === creds.password;
  }, { what: 'the rotation' });
  assert.equal((await client.listTags('test/app')).tags.length, 11);
  assert.ok(!logs.text().includes(creds.password), 'the password never reaches the logs');
});

test('a Secret without an entry for the host names the host and the keys it has', async (t) => {
  const api = await startKubeApi(t);
  const kube = objectClientFor(api.url, api.token);
  t.after(() => kube.close());
  await kube.objects.create('secrets', 'argocd', dockerConfigSecret('elsewhere', { 'https://index.docker.io/v1/': { username: 'u', password: 'p' } }));
  const watch = createPullSecretWatch({ objects: () => kube.objects, logger: captureLogs().logger });
  t.after(() => watch.close());
  const config = registryConfig(reg.url, { auth: { kind: 'pullSecret', namespace: 'argocd', name: 'elsewhere' } });
  watch.update([config]);
  await watch.settled();
  const { client } = testClient(config, { pullSecrets: watch.read });
  t.after(() => client.close());
  await assert.rejects(client.listTags('test/app'), (e: { code: string; message: string }) => e.code === 'REG_AUTH' && e.message.includes(`has no entry for ${reg.host} (it has: docker.io; add "${reg.host}" to its auths)`));
});
