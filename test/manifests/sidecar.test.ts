// The repo-server component, applied to the argocd-repo-server Deployment of Argo CD's real install.yaml: the CMP sidecar exactly as Argo
// CD requires it (docs/operator-manual/config-management-plugins.md; its plugin.yaml section),
// and nothing else of argocd-repo-server changed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { argoCdRepoServerYaml, find, MANIFESTS, overlay, parseObjects, SIDECAR_COMPONENT, type KubeObject } from './kustomize.ts';
import { assertHardened } from './posture.ts';

interface Mount { name: string; mountPath: string; subPath?: string }
interface Container { name: string; image: string; command?: string[]; args?: string[]; env?: Array<{ name: string; value?: string }>; volumeMounts?: Mount[] }
interface PodSpec { containers: Container[]; initContainers?: Container[]; volumes: Array<{ name: string; emptyDir?: unknown }> }
type Deployment = KubeObject & { spec: { template: { spec: PodSpec } } };

describe('repo-server sidecar component', async () => {
  const o = await overlay({ withArgoCd: true, resources: [MANIFESTS], components: [SIDECAR_COMPONENT], extra: 'namespace: argocd' });
  const before = find(parseObjects(argoCdRepoServerYaml()), 'Deployment', 'argocd-repo-server') as Deployment;
  const after = find(o.objects, 'Deployment', 'argocd-repo-server') as Deployment;
  const pod = after.spec.template.spec;
  const sidecar = pod.containers.find((c) => c.name === 'argocd-image-plugins');
  o.close();

  it('adds one container that runs Argo CD\'s CMP server from the shared var-files volume', () => {
    assert.ok(sidecar, 'no argocd-image-plugins container in argocd-repo-server');
    assert.deepEqual(sidecar.command, ['/var/run/argocd/argocd-cmp-server']);
    assert.equal(sidecar.args, undefined, 'extra args would be appended to the CMP server command line');
    assertHardened(sidecar);
  });

  it('mounts var-files and plugins where argocd-cmp-server expects them, and uses the image\'s plugin.yaml', () => {
    const mounts = Object.fromEntries((sidecar?.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
    assert.equal(mounts['/var/run/argocd'], 'var-files');
    assert.equal(mounts['/home/argocd/cmp-server/plugins'], 'plugins');
    // plugin.yaml is baked into the image (one source of truth); a mount here would shadow it.
    assert.ok(!Object.keys(mounts).some((p) => p.startsWith('/home/argocd/cmp-server/config')), 'no mount over the baked plugin.yaml');
  });

  it('gives the sidecar its own temp emptyDir, never the repo-server\'s, and points TMPDIR at it', () => {
    const tmpdir = sidecar?.env?.find((e) => e.name === 'TMPDIR')?.value;
    assert.ok(tmpdir, 'TMPDIR is set');
    const mount = sidecar?.volumeMounts?.find((m) => m.mountPath === tmpdir);
    assert.ok(mount, `a volume is mounted at TMPDIR ${tmpdir}`);
    const repoServer = pod.containers.find((c) => c.name === 'argocd-repo-server');
    assert.ok(!repoServer?.volumeMounts?.some((m) => m.name === mount.name), `${mount.name} is not shared with argocd-repo-server`);
    assert.ok(pod.volumes.find((v) => v.name === mount.name)?.emptyDir !== undefined, `${mount.name} is an emptyDir`);
    // Every volume the sidecar mounts exists in the pod.
    for (const m of sidecar?.volumeMounts ?? []) assert.ok(pod.volumes.some((v) => v.name === m.name), `volume ${m.name} exists`);
  });

  it('leaves every other container, init container and volume of argocd-repo-server as it was', () => {
    const others = pod.containers.filter((c) => c.name !== 'argocd-image-plugins');
    assert.deepEqual(others, before.spec.template.spec.containers);
    assert.deepEqual(pod.initContainers, before.spec.template.spec.initContainers);
    assert.deepEqual(pod.volumes.filter((v) => v.name !== 'argocd-image-plugins-tmp'), before.spec.template.spec.volumes);
  });
});
