// The Argo CD extension component ships the extension as built from web/extension/, and installs it
// the way Argo CD documents: mounted under argocd-server's /tmp/extensions, proxy extension enabled
// and configured with the shared-secret header, RBAC allowing the read-only role to invoke it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MANIFESTS, overlay, find } from '../manifests/kustomize.ts';

const COMPONENT = `${MANIFESTS}/components/argocd-ui-extension`;

test('the committed extension bundle is the current build of web/extension (run npm run build and copy dist/ui/extension.js)', () => {
  const built = readFileSync(new URL('../../dist/ui/extension.js', import.meta.url), 'utf8');
  assert.equal(readFileSync(`${COMPONENT}/extension-image-plugins.js`, 'utf8'), built);
});

test('the component mounts the extension into argocd-server and configures the proxy extension', async (t) => {
  const o = await overlay({ withArgoCd: true, resources: [MANIFESTS], components: [COMPONENT], extra: 'namespace: argocd' });
  t.after(o.close);
  const server = find(o.objects, 'Deployment', 'argocd-server') as unknown as { spec: { template: { spec: { containers: { name: string; volumeMounts: { name: string; mountPath: string }[] }[]; volumes: { name: string; configMap?: { name: string } }[] } } } };
  const container = server.spec.template.spec.containers.find((c) => c.name === 'argocd-server')!;
  assert.ok(container.volumeMounts.some((m) => m.mountPath === '/tmp/extensions/image-plugins'));
  const volume = server.spec.template.spec.volumes.find((v) => v.name === 'image-plugins-ui-extension')!;
  const bundle = o.objects.find((x) => x.kind === 'ConfigMap' && x.metadata.name === volume.configMap!.name) as unknown as { data: Record<string, string> };
  assert.match(Object.keys(bundle.data)[0]!, /^extension.*\.js$/, 'argocd-server loads files named extension*.js');
  const cm = find(o.objects, 'ConfigMap', 'argocd-cm') as unknown as { data: Record<string, string> };
  const proxy = parse(cm.data['extension.config.image-plugins']!) as { services: { url: string; headers: { name: string; value: string }[] }[] };
  assert.equal(proxy.services[0]!.url, 'http://argocd-image-plugins.argocd.svc:8080');
  assert.deepEqual(proxy.services[0]!.headers, [{ name: 'X-Image-Plugins-Proxy-Secret', value: '$image-plugins.proxySecret' }]);
  assert.equal((find(o.objects, 'ConfigMap', 'argocd-cmd-params-cm') as unknown as { data: Record<string, string> }).data['server.enable.proxy.extension'], 'true');
  assert.match((find(o.objects, 'ConfigMap', 'argocd-rbac-cm') as unknown as { data: Record<string, string> }).data['policy.image-plugins.csv']!, /^p, role:readonly, extensions, invoke, image-plugins, allow$/m);
});
