// The Role in manifests/rbac.yaml is enough for two replicas to elect a leader, publish and follow
// the shared state, and hand a rescan to the leader: the loopback API peer enforces exactly the
// Role's rules (verbs, resources, resourceNames). Without its Lease rules no replica ever leads.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { startService } from '../../src/service/start.ts';
import { silentLogger } from '../generator/fixture.ts';
import { pushImage } from '../helpers/images.ts';
import { startKubeApi, type Rule } from '../helpers/kube-api.ts';
import { startRegistry } from '../helpers/registry.ts';
import { roleRules } from './role.ts';
import { until } from '../helpers/until.ts';

async function replicas(t: TestContext, rules: Rule[]): Promise<{ urls: string[]; api: Awaited<ReturnType<typeof startKubeApi>> }> {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const api = await startKubeApi(t, { tokens: { sa: rules } });
  const dir = await mkdtemp(join(tmpdir(), 'aip-ha-rbac-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'token'), 'rbac-tok\n');
  await writeFile(join(dir, 'kubeconfig'), stringify({ 'current-context': 'p', contexts: [{ name: 'p', context: { cluster: 'p', user: 'u' } }], clusters: [{ name: 'p', cluster: { server: api.url } }], users: [{ name: 'u', user: { token: 'sa' } }] }));
  const urls: string[] = [];
  for (const id of ['one', 'two']) {
    const configPath = join(dir, `config-${id}.yaml`);
    await writeFile(configPath, stringify({ server: { tokenFile: join(dir, 'token'), refreshApplicationSets: false }, polling: { intervalSeconds: 3600 }, cache: { path: join(dir, `cache-${id}.json`) }, registries: [{ host: reg.host, url: reg.url, insecure: true }], watches: [{ name: 'web', image: `${reg.host}/acme/web`, policy: { semver: { range: '^1' } } }], clusters: { static: [{ name: 'edge', server: 'https://edge.example:6443' }] } }));
    const ha = { identity: id, namespace: 'argocd', leaseName: 'argocd-image-plugins', stateName: 'argocd-image-plugins-state', leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 250 };
    const service = await startService({ configPath, listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger(), ha, env: { KUBECONFIG: join(dir, 'kubeconfig') } });
    t.after(() => service.close());
    urls.push(service.url);
  }
  return { urls, api };
}

async function status(url: string): Promise<number> {
  const res = await request(`${url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer rbac-tok' }, body: '{"applicationSetName":"web","input":{}}' });
  await res.body.dump();
  return res.statusCode;
}

test('with exactly the Role of manifests/rbac.yaml, two replicas elect, publish and both serve', async (t) => {
  const { urls, api } = await replicas(t, await roleRules());
  await until(async () => (await Promise.all(urls.map(status))).every((s) => s === 200), { what: 'both replicas answer 200' });
  assert.equal(api.requests.filter((r) => / 403$/.test(r)).length, 0, `no request was forbidden: ${api.requests.filter((r) => / 403$/.test(r)).join(', ')}`);
});

test('without the Lease rules nobody leads, so nobody serves', async (t) => {
  const rules = (await roleRules()).filter((r) => !r.resources.includes('leases'));
  const { urls, api } = await replicas(t, rules);
  await until(async () => api.requests.filter((r) => r.endsWith('leases 403')).length >= 4, { what: 'lease attempts refused' });
  assert.deepEqual(await Promise.all(urls.map(status)), [503, 503]);
});
