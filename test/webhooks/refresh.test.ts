// ApplicationSet refresh against the loopback Kubernetes API peer (test/helpers/kube-api.ts):
// when a resolution moves, every ApplicationSet whose plugin generator points at our ConfigMap
// and uses that watch gets `argocd.argoproj.io/application-set-refresh: "true"` by merge patch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKubeClient } from '../../src/kube/client.ts';
import { REFRESH_ANNOTATION } from '../../src/kube/refresh/refresher.ts';
import { record, startFixture } from '../generator/fixture.ts';
import { startKubeApi } from '../helpers/kube-api.ts';

function appSet(name: string, generators: unknown[]): { metadata: { name: string }; spec: { generators: unknown[] } } {
  return { metadata: { name }, spec: { generators } };
}

const plugin = (parameters?: Record<string, unknown>, configMap = 'argocd-image-plugins'): unknown => ({ plugin: { configMapRef: { name: configMap }, ...(parameters && { input: { parameters } }), requeueAfterSeconds: 1800 } });

test('a moved resolution refreshes exactly the ApplicationSets that use the watch', async (t) => {
  const api = await startKubeApi(t);
  api.put('applicationsets', 'argocd', appSet('web-all', [plugin()]));
  api.put('applicationsets', 'argocd', appSet('web-only', [plugin({ images: ['web'] })]));
  api.put('applicationsets', 'argocd', appSet('api-only', [plugin({ images: ['api'] })]));
  api.put('applicationsets', 'argocd', appSet('matrix-web', [{ matrix: { generators: [{ git: { repoURL: 'https://git.example/x' } }, plugin({ images: ['web'] })] } }]));
  api.put('applicationsets', 'argocd', appSet('other-plugin', [plugin(undefined, 'someone-else')]));
  const kube = createKubeClient({ server: api.url, token: () => api.token, insecure: false });
  t.after(() => kube.close());
  const fx = await startFixture(t, { kube });
  const refreshed = new Promise<readonly string[]>((resolve) => {
    const timer = setInterval(() => {
      if (api.requests.some((r) => r.startsWith('patch'))) {
        clearInterval(timer);
        void fx.refresher!.idle().then(() => resolve(api.requests.filter((r) => r.startsWith('patch'))));
      }
    }, 5);
  });
  const started = performance.now();
  record(fx.cache, 'web', 'default', 'registry.test:5000/acme/web', '1.9.0');
  const patches = await refreshed;
  const elapsed = performance.now() - started;
  t.diagnostic(`resolution change to ApplicationSet refresh: ${elapsed.toFixed(1)} ms`);
  const marked = ['web-all', 'web-only', 'api-only', 'matrix-web', 'other-plugin'].filter((n) => api.get('applicationsets', 'argocd', n)?.metadata.annotations?.[REFRESH_ANNOTATION] === 'true');
  assert.deepEqual(marked, ['web-all', 'web-only', 'matrix-web']);
  assert.equal(patches.length, 3);
});

test('an unchanged resolution (a re-scan that finds the same tag) refreshes nothing', async (t) => {
  const api = await startKubeApi(t);
  api.put('applicationsets', 'argocd', appSet('web-all', [plugin()]));
  const kube = createKubeClient({ server: api.url, token: () => api.token, insecure: false });
  t.after(() => kube.close());
  const fx = await startFixture(t, { kube });
  record(fx.cache, 'web', 'default', 'registry.test:5000/acme/web', '1.2.0');
  await new Promise((r) => setTimeout(r, 30));
  await fx.refresher!.idle();
  assert.equal(api.requests.length, 0);
});

test('a 403 from the API is logged and counted, not fatal', async (t) => {
  const api = await startKubeApi(t, { tokens: { lister: [{ verbs: ['list'], resources: ['applicationsets'] }] } });
  api.put('applicationsets', 'argocd', appSet('web-all', [plugin()]));
  const kube = createKubeClient({ server: api.url, token: () => 'lister', insecure: false });
  t.after(() => kube.close());
  const fx = await startFixture(t, { kube });
  record(fx.cache, 'web', 'default', 'registry.test:5000/acme/web', '1.9.0');
  await new Promise((r) => setTimeout(r, 30));
  await fx.refresher!.idle();
  assert.deepEqual(api.requests, ['list applicationsets 200', 'patch applicationsets 403']);
  assert.match(await fx.metrics.registry.metrics(), /applicationset_refreshes_total\{outcome="failed"\} 1/);
  assert.ok(fx.logs.some((l) => l.msg === 'cannot refresh ApplicationSet' && String(l.err).includes('cannot patch')));
});
