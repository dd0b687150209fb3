// The service wired with a pull Secret: registry credentials come from a kubernetes.io/dockerconfigjson
// Secret on the loopback API peer, and the watch resolves against the real registry with Basic auth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startKubeApi } from '../helpers/kube-api.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { dockerConfigSecret, objectClientFor } from '../helpers/pull-secret.ts';
import { until } from '../helpers/until.ts';
import { serviceFolder } from '../helpers/service-folder.ts';

const TOKEN = 'pull-secret-test-token-7c1e';

test('a watch on a Basic-auth registry resolves with the credentials of a pull Secret', async (t) => {
  const reg = await startRegistry({ auth: 'basic' });
  t.after(() => reg.stop());
  const creds = reg.basic ?? assert.fail('no basic');
  await pushImage(reg, 'acme/web', '1.2.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const api = await startKubeApi(t);
  const kube = objectClientFor(api.url, api.token);
  t.after(() => kube.close());
  await kube.objects.create('secrets', 'argocd', dockerConfigSecret('regcred', { [reg.host]: creds }));
  const folder = await serviceFolder(t, { prefix: 'aip-pull-secret-', token: TOKEN, objects: kube.objects });
  await folder.writeConfig({
    polling: { intervalSeconds: 3600 },
    registries: [{ host: reg.host, url: reg.url, insecure: true, auth: { pullSecret: { namespace: 'argocd', name: 'regcred' } } }],
    watches: [{ name: 'web', image: `${reg.host}/acme/web`, policy: { semver: { range: '^1.0.0' } } }],
    clusters: { static: [{ name: 'edge', server: 'https://edge.example:6443' }] },
  });
  const url = await folder.start();
  let text = '';
  await until(async () => {
    const res = await request(`${url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"applicationSetName":"web","input":{}}' });
    text = await res.body.text();
    return text.includes('1.2.0');
  }, { what: () => `the resolution of 1.2.0 (last answer: ${text})` });
});
