// The pull-secrets component's RBAC, enforced: its Role is loaded into the loopback API peer as the
// service account's rules, and the service's own pull Secret watch reads the named Secret (get, then
// a watch by name) and is refused every other Secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createPullSecretWatch } from '../../src/kube/pull-secrets.ts';
import { createLogger } from '../../src/shared/log.ts';
import { startKubeApi, type Rule } from '../helpers/kube-api.ts';
import { dockerConfigSecret, objectClientFor } from '../helpers/pull-secret.ts';
import { registryConfig } from '../registry/support.ts';
import { find, MANIFESTS, overlay } from './kustomize.ts';
import { until } from '../helpers/until.ts';

interface RoleRule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }

test('the Role grants get and watch on exactly the named Secret, and that is all the watch needs', async (t) => {
  const o = await overlay({ resources: [MANIFESTS], components: [join(MANIFESTS, 'components/pull-secrets')], extra: 'namespace: argocd' });
  t.after(o.close);
  const role = find(o.objects, 'Role', 'argocd-image-plugins-pull-secrets') as unknown as { metadata: { namespace: string }; rules: RoleRule[] };
  assert.equal(role.metadata.namespace, 'argocd');
  assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['registry-pull-secret'], verbs: ['get', 'watch'] }]);
  const binding = find(o.objects, 'RoleBinding', 'argocd-image-plugins-pull-secrets') as unknown as { subjects: Array<{ name: string; namespace: string }> };
  assert.deepEqual(binding.subjects.map((s) => `${s.namespace}/${s.name}`), ['argocd/argocd-image-plugins']);

  const rules: Rule[] = role.rules.map((r) => ({ verbs: r.verbs, resources: r.resources, namespaces: [role.metadata.namespace], ...(r.resourceNames && { names: r.resourceNames }) }));
  const api = await startKubeApi(t, { tokens: { admin: [{ verbs: ['*'], resources: ['*'] }], sa: rules } });
  const admin = objectClientFor(api.url, 'admin');
  const sa = objectClientFor(api.url, 'sa');
  t.after(() => Promise.all([admin.close(), sa.close()]));
  for (const name of ['registry-pull-secret', 'other']) await admin.objects.create('secrets', 'argocd', dockerConfigSecret(name, { 'registry.example': { username: name, password: 'p' } }));

  const watch = createPullSecretWatch({ objects: () => sa.objects, logger: createLogger({ level: 'silent' }), retryMs: 50 });
  t.after(() => watch.close());
  const uses = (name: string) => registryConfig('https://registry.example', { auth: { kind: 'pullSecret', namespace: 'argocd', name } });
  watch.update([uses('registry-pull-secret'), uses('other')]);
  await watch.settled();
  const named = watch.read('argocd', 'registry-pull-secret');
  assert.ok(named.ok);
  const other = watch.read('argocd', 'other');
  assert.ok(!other.ok && /403.*forbidden/i.test(other.reason), other.ok ? '' : other.reason);
  // the watch by name is allowed too: a rotation arrives
  await admin.objects.update('secrets', 'argocd', dockerConfigSecret('registry-pull-secret', { 'registry.example': { username: 'rotated', password: 'p' } }));
  await until(() => {
    const r = watch.read('argocd', 'registry-pull-secret');
    const login = r.ok ? r.logins.get('registry.example') : undefined;
    return typeof login === 'object' && login.username === 'rotated';
  }, { what: 'the rotation through the least-privilege watch' });
  assert.ok(!api.requests.some((r) => r.startsWith('list secrets')), 'never lists Secrets');
});
