// Every kustomization under manifests/ builds with the real kustomize, and every object it produces
// is valid against the Kubernetes OpenAPI schema of its kind (kubernetes-models' compiled schemas).
// Components cannot build alone: they are built inside an overlay with Argo CD's own install.yaml,
// the way docs/install.md tells users to include them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { build, find, MANIFESTS, overlay, REPO, validateObject, type KubeObject } from './kustomize.ts';

function kustomizationDirs(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...kustomizationDirs(path));
    else if (entry === 'kustomization.yaml') found.push(dir);
  }
  return found;
}

/** Objects this product ships (Argo CD's own install objects are not ours to validate). */
function ours(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.metadata.name.startsWith('argocd-image-plugins') || o.metadata.name === 'argocd-repo-server' && o.kind === 'Deployment');
}

describe('manifests/ kustomizations', () => {
  const dirs = kustomizationDirs(MANIFESTS);

  it('finds the main kustomization and every component', () => {
    assert.deepEqual(dirs.map((d) => relative(REPO, d)).sort(), ['manifests', 'manifests/components/argocd-ui-extension', 'manifests/components/cloud-identity', 'manifests/components/persistent-cache', 'manifests/components/pull-secrets', 'manifests/components/repo-server-sidecar', 'manifests/components/single-replica']);
  });

  for (const dir of dirs) {
    const kind = (parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { kind?: string }).kind ?? 'Kustomization';
    it(`${relative(REPO, dir)} (${kind}) builds and every object matches its Kubernetes schema`, async (t) => {
      let objects: KubeObject[];
      if (kind === 'Component') {
        const o = await overlay({ withArgoCd: true, resources: [MANIFESTS], components: [dir], extra: 'namespace: argocd' });
        t.after(o.close);
        objects = ours(o.objects);
      } else {
        objects = await build(dir);
      }
      assert.ok(objects.length > 0, 'the build produced no objects');
      for (const object of objects) await validateObject(object);
    });
  }

  it('the main kustomization creates exactly the documented objects, all in the Argo CD namespace', async () => {
    const objects = await build(MANIFESTS);
    const names = objects.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '-<hash>')}`).sort();
    assert.deepEqual(names, [
      'ConfigMap/argocd-image-plugins',
      'ConfigMap/argocd-image-plugins-config-<hash>',
      'Deployment/argocd-image-plugins',
      'PodDisruptionBudget/argocd-image-plugins',
      'Role/argocd-image-plugins',
      'RoleBinding/argocd-image-plugins',
      'Secret/argocd-image-plugins-token',
      'Service/argocd-image-plugins',
      'ServiceAccount/argocd-image-plugins',
    ]);
    for (const o of objects) assert.equal(o.metadata.namespace, 'argocd', `${o.kind}/${o.metadata.name}`);
    // The generated config name (with its hash) is the one the Deployment mounts.
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('argocd-image-plugins-config-'));
    const deployment = find(objects, 'Deployment', 'argocd-image-plugins') as unknown as { spec: { template: { spec: { volumes: Array<{ name: string; configMap?: { name: string } }> } } } };
    assert.equal(deployment.spec.template.spec.volumes.find((v) => v.name === 'config')?.configMap?.name, config?.metadata.name);
  });
});

describe('schema validation', () => {
  it('rejects an object that breaks its schema (so the checks above can fail)', async () => {
    const objects = await build(MANIFESTS);
    const deployment = structuredClone(find(objects, 'Deployment', 'argocd-image-plugins')) as unknown as { spec: { template: { spec: { containers: Array<{ ports: Array<{ containerPort: unknown }> }> } } } };
    deployment.spec.template.spec.containers[0]!.ports[0]!.containerPort = '8080';
    await assert.rejects(validateObject(deployment as unknown as KubeObject), /containerPort must be integer/);
  });

  it('rejects a kind it has no schema for', async () => {
    await assert.rejects(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), /no Kubernetes schema/);
  });
});
