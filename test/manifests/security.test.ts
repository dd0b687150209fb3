// Security posture of the shipped manifests: hardened containers, writable paths limited to the
// cache and /tmp, least-privilege RBAC (exactly these verbs on exactly these resources), no secret
// value in Git, and one image reference that follows package.json's version.
import { describe, it } from 'node:test';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { build, CACHE_COMPONENT, find, MANIFESTS, overlay, type KubeObject } from './kustomize.ts';
import { assertHardened, type Container, type Deployment, type Volume } from './posture.ts';

/** Writable mounts of a container: everything not mounted read-only (ConfigMaps and Secrets are always read-only). */
function writableMounts(c: Container, volumes: readonly Volume[]): string[] {
  return (c.volumeMounts ?? []).filter((m) => {
    const v = volumes.find((x) => x.name === m.name);
    return m.readOnly !== true && v?.configMap === undefined && v?.secret === undefined;
  }).map((m) => m.mountPath).sort();
}

describe('generator Deployment', async () => {
  const objects = await build(MANIFESTS);
  const deployment = find(objects, 'Deployment', 'argocd-image-plugins') as Deployment;
  const pod = deployment.spec.template.spec;

  it('runs one hardened container as uid 999', () => {
    assert.equal(pod.containers.length, 1);
    assertHardened(pod.containers[0]!);
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.equal(pod.securityContext?.runAsUser, 999);
    assert.deepEqual(pod.securityContext?.seccompProfile, { type: 'RuntimeDefault' });
  });

  it('may write only to the cache volume and an emptyDir /tmp', () => {
    const c = pod.containers[0]!;
    assert.deepEqual(writableMounts(c, pod.volumes), ['/tmp', '/var/lib/argocd-image-plugins']);
    const volumeOf = (path: string): Volume | undefined => pod.volumes.find((v) => v.name === c.volumeMounts?.find((m) => m.mountPath === path)?.name);
    assert.ok(volumeOf('/tmp')?.emptyDir !== undefined, '/tmp is an emptyDir');
    assert.ok(volumeOf('/var/lib/argocd-image-plugins')?.emptyDir !== undefined, 'the cache is an emptyDir by default');
  });

  it('with components/cloud-identity the service account carries the IRSA and GKE Workload Identity annotations, nothing else changes', async (t) => {
    const o = await overlay({ resources: [MANIFESTS], components: [join(MANIFESTS, 'components/cloud-identity')] });
    t.after(o.close);
    const sa = find(o.objects, 'ServiceAccount', 'argocd-image-plugins') as KubeObject & { metadata: { annotations?: Record<string, string> } };
    assert.deepEqual(Object.keys(sa.metadata.annotations ?? {}).sort(), ['eks.amazonaws.com/role-arn', 'iam.gke.io/gcp-service-account']);
    const plain = await build(MANIFESTS);
    assert.deepEqual(o.objects.map((x) => `${x.kind}/${x.metadata.name}`).sort(), plain.map((x) => `${x.kind}/${x.metadata.name}`).sort());
  });

  it('with components/persistent-cache the cache is a claim and updates recreate the pod', async (t) => {
    const o = await overlay({ resources: [MANIFESTS], components: [CACHE_COMPONENT] });
    t.after(o.close);
    const d = find(o.objects, 'Deployment', 'argocd-image-plugins') as Deployment & { spec: { strategy?: { type?: string } } };
    const cache = d.spec.template.spec.volumes.find((v) => v.name === 'cache');
    assert.deepEqual(cache, { name: 'cache', persistentVolumeClaim: { claimName: 'argocd-image-plugins-cache' } });
    assert.equal(d.spec.strategy?.type, 'Recreate');
    find(o.objects, 'PersistentVolumeClaim', 'argocd-image-plugins-cache');
  });
});

describe('RBAC', async () => {
  const objects = await build(MANIFESTS);

  it('grants exactly what the service calls: list Secrets, list and patch ApplicationSets, create and patch Events, its Lease and state ConfigMaps, in one namespace', () => {
    assert.deepEqual(objects.filter((o) => o.kind.startsWith('Cluster')).map((o) => o.kind), [], 'no cluster-wide RBAC');
    const roles = objects.filter((o) => o.kind === 'Role');
    assert.equal(roles.length, 1);
    const rules = (roles[0] as KubeObject & { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }> }).rules;
    // One entry per (group, resource): verbs sorted, so the comparison is about permissions, not layout.
    const grants = rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g || 'core'}/${res}: ${[...r.verbs].sort().join(',')}${r.resourceNames ? ` (${r.resourceNames.length} names)` : ''}`))).sort();
    assert.deepEqual(grants, [
      'argoproj.io/applicationsets: list,patch',
      'coordination.k8s.io/leases: create',
      'coordination.k8s.io/leases: get,update (1 names)',
      'core/configmaps: create,list,watch',
      'core/configmaps: delete (16 names)',
      'core/configmaps: get,patch,update (18 names)',
      'core/secrets: list',
      'events.k8s.io/events: create,patch',
    ]);
  });

  it('binds the Role to the service account the Deployment runs as', () => {
    const binding = find(objects, 'RoleBinding', 'argocd-image-plugins') as KubeObject & { roleRef: { kind: string; name: string }; subjects: Array<{ kind: string; name: string; namespace: string }> };
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'argocd-image-plugins' });
    const deployment = find(objects, 'Deployment', 'argocd-image-plugins') as Deployment;
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: deployment.spec.template.spec.serviceAccountName, namespace: 'argocd' }]);
  });

  it('follows an overlay that moves everything to another namespace', async (t) => {
    const o = await overlay({ resources: [MANIFESTS], extra: 'namespace: gitops' });
    t.after(o.close);
    for (const obj of o.objects) assert.equal(obj.metadata.namespace, 'gitops', `${obj.kind}/${obj.metadata.name}`);
    const binding = find(o.objects, 'RoleBinding', 'argocd-image-plugins') as KubeObject & { subjects: Array<{ namespace: string }> };
    assert.equal(binding.subjects[0]?.namespace, 'gitops');
  });
});

describe('secrets', async () => {
  const objects = await build(MANIFESTS);

  it('ships the token Secret as an empty placeholder, labelled for Argo CD $secret:key references', () => {
    const secrets = objects.filter((o) => o.kind === 'Secret') as Array<KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> }>;
    assert.deepEqual(secrets.map((s) => s.metadata.name), ['argocd-image-plugins-token']);
    const values = Object.values({ ...secrets[0]!.data, ...secrets[0]!.stringData });
    assert.deepEqual(values, [''], 'no real value in Git');
    assert.equal(secrets[0]!.metadata.labels?.['app.kubernetes.io/part-of'], 'argocd');
  });

  it('keeps its name when an overlay sets the value with a secretGenerator', async (t) => {
    const o = await overlay({
      resources: [MANIFESTS],
      files: { token: 'not-a-real-token-only-for-this-test\n' },
      extra: 'secretGenerator:\n  - name: argocd-image-plugins-token\n    namespace: argocd\n    behavior: replace\n    files: [token]\n    options:\n      disableNameSuffixHash: true\n      labels: { app.kubernetes.io/part-of: argocd }\n',
    });
    t.after(o.close);
    const secret = find(o.objects, 'Secret', 'argocd-image-plugins-token') as KubeObject & { data: Record<string, string> };
    assert.equal(Buffer.from(secret.data.token ?? '', 'base64').toString(), 'not-a-real-token-only-for-this-test\n');
  });
});
