// examples/helm/argocd-values.yaml (for Argo CD's Helm chart) adds exactly the container and volume
// the kustomize component adds: the component is applied to Argo CD's real argocd-repo-server with
// real kustomize, and the sidecar container and its temp volume are compared with the values file.
// One source of truth for the sidecar, whichever way Argo CD is installed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { find, MANIFESTS, overlay, REPO, SIDECAR_COMPONENT, type KubeObject } from './kustomize.ts';

interface Volume { name: string; [key: string]: unknown }
interface Container { name: string; volumeMounts?: Array<{ name: string }>; [key: string]: unknown }
type Deployment = KubeObject & { spec: { template: { spec: { containers: Container[]; volumes: Volume[] } } } };
interface Values { repoServer: { extraContainers: Container[]; volumes: Volume[] } }

describe('examples/helm/argocd-values.yaml', async () => {
  const values = parse(readFileSync(join(REPO, 'examples/helm/argocd-values.yaml'), 'utf8')) as Values;
  const o = await overlay({ withArgoCd: true, resources: [MANIFESTS], components: [SIDECAR_COMPONENT], extra: 'namespace: argocd' });
  const pod = (find(o.objects, 'Deployment', 'argocd-repo-server') as Deployment).spec.template.spec;
  o.close();
  const sidecar = pod.containers.find((c) => c.name === 'argocd-image-plugins');

  it('repoServer.extraContainers holds exactly the component\'s sidecar container', () => {
    assert.ok(sidecar, 'the component adds the sidecar');
    assert.deepEqual(Object.keys(values.repoServer), ['extraContainers', 'volumes']);
    assert.deepEqual(values.repoServer.extraContainers, [sidecar]);
  });

  it('repoServer.volumes holds exactly the volumes the component adds (the chart has var-files and plugins)', () => {
    const added = pod.volumes.filter((v) => (sidecar?.volumeMounts ?? []).some((m) => m.name === v.name) && !['var-files', 'plugins'].includes(v.name));
    assert.deepEqual(values.repoServer.volumes, added);
    assert.equal(added.length, 1);
  });
});
