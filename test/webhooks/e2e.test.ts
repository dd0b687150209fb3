// End to end, all real parts on loopback: the Debian registry (docker-registry) sends its push
// notifications to the service's webhook; the real poller re-scans that repository; the
// parameter set changes; the ApplicationSet that uses the watch is marked for refresh on the
// Kubernetes API peer (test/helpers/kube-api.ts). The elapsed time is reported, not asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REFRESH_ANNOTATION } from '../../src/kube/refresh/refresher.ts';
import { createKubeClient } from '../../src/kube/client.ts';
import { controllerRequest } from '../generator/fixture.ts';
import { send } from '../generator/socket.ts';
import { pushImage } from '../helpers/images.ts';
import { startKubeApi } from '../helpers/kube-api.ts';
import { until } from '../helpers/until.ts';
import { startWebhookService } from '../helpers/webhook-service.ts';

test('push a tag → registry notification → re-scan → new parameter set and an ApplicationSet refresh', async (t) => {
  const api = await startKubeApi(t);
  api.put('applicationsets', 'argocd', { metadata: { name: 'web' }, spec: { generators: [{ plugin: { configMapRef: { name: 'argocd-image-plugins' }, input: { parameters: { images: ['web'] } } } }] } });
  const kube = createKubeClient({ server: api.url, token: () => api.token, insecure: false });
  t.after(() => kube.close());
  const { svc, registry, diagnostics } = await startWebhookService(t, { deps: { kube, refresh: { debounceMs: 0 } } });

  const tagNow = async (): Promise<string> => {
    const res = await send(svc.app, controllerRequest('web', { images: ['web'] }));
    assert.equal(res.status, 200, res.text);
    return (res.json() as { output: { parameters: { images: { web: { tag: string } } }[] } }).output.parameters[0]!.images.web.tag;
  };
  assert.equal(await tagNow(), '1.0.0');
  assert.equal(api.get('applicationsets', 'argocd', 'web')?.metadata.annotations?.[REFRESH_ANNOTATION], undefined);

  const started = performance.now();
  const pushed = await pushImage(registry, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'two' });
  const pushedAt = performance.now();
  const paramsAt = await until(async () => ((await tagNow()) === '1.1.0' ? performance.now() : undefined), { what: () => `the new tag in getparams\n${diagnostics()}` });
  const refreshAt = await until(async () => (api.get('applicationsets', 'argocd', 'web')?.metadata.annotations?.[REFRESH_ANNOTATION] === 'true' ? performance.now() : undefined), { what: () => `the ApplicationSet refresh\n${diagnostics()}` });
  t.diagnostic(`push took ${(pushedAt - started).toFixed(0)} ms; push done → new parameter set ${(paramsAt - pushedAt).toFixed(0)} ms; → ApplicationSet refresh ${(refreshAt - pushedAt).toFixed(0)} ms`);

  const res = await send(svc.app, controllerRequest('web', { images: ['web'] }));
  const web = (res.json() as { output: { parameters: { images: { web: { digest: string; ref: string } }; imageOverrides: string }[] } }).output.parameters[0]!;
  assert.equal(web.images.web.digest, pushed.digest);
  assert.deepEqual(JSON.parse(web.imageOverrides), { [`${registry.host}/acme/web`]: `${registry.host}/acme/web:1.1.0@${pushed.digest}` });
  const metrics = await svc.metrics.registry.metrics();
  const rescanSeconds = Number(/argocd_image_plugins_push_to_resolved_seconds_sum\{source="distribution"\} ([0-9.e-]+)/.exec(metrics)?.[1]);
  t.diagnostic(`webhook arrival → re-scan done (push_to_resolved_seconds): ${(rescanSeconds * 1000).toFixed(0)} ms`);
  assert.match(metrics, /argocd_image_plugins_push_to_resolved_seconds_count\{source="distribution"\} [1-9]/);
  assert.match(metrics, /argocd_image_plugins_webhook_events_total\{source="distribution",outcome="rescan"\} [1-9]/);
});
