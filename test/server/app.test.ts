// The rest of the HTTP surface: images API (the CMP fallback's contract), health, readiness,
// Prometheus metrics, and secrets kept out of logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerRequest, record, startFixture, TOKEN } from '../generator/fixture.ts';
import { send } from '../generator/socket.ts';

const auth = { authorization: `Bearer ${TOKEN}` };

test('GET /api/v1/images lists every configured watch and environment with its explanation', async (t) => {
  const fx = await startFixture(t, { fill: false });
  record(fx.cache, 'web', 'default', 'registry.test:5000/acme/web', '1.2.0');
  fx.cache.record('web', 'staging', 'registry.test:5000/acme/web', { kind: 'failed', error: { code: 'REG_UNAVAILABLE', message: 'timeout', at: new Date(fx.clock.now()).toISOString() } });
  const res = await send(fx.app, { method: 'GET', url: '/api/v1/images', headers: auth });
  assert.equal(res.status, 200);
  const body = res.json() as { revision: number; images: Record<string, unknown>[] };
  assert.equal(body.revision, fx.cache.revision);
  assert.deepEqual(body.images.map((i) => `${i.watch}/${i.environment}`), ['api/default', 'web/default', 'web/staging']);
  const [api, web, staging] = body.images;
  assert.equal(api!.tag, null, 'never resolved: null tag/digest/ref');
  assert.equal(api!.ref, null);
  assert.equal(api!.stale, true);
  assert.equal(web!.tag, '1.2.0');
  assert.equal(web!.stale, false);
  assert.equal(web!.policy, 'semver >=1.0.0');
  assert.deepEqual(web!.lastScan, { tags: 3, candidates: 2, complete: true });
  for (const k of ['watch', 'environment', 'image', 'tag', 'digest', 'ref', 'resolvedAt', 'lastCheckedAt', 'stale', 'lastError', 'held']) assert.ok(k in web!, k);
  assert.equal((staging!.lastError as { message: string }).message, 'timeout');
  assert.equal(staging!.stale, true);
  fx.clock.advance(3 * 300_000 + 1);
  const later = (await send(fx.app, { method: 'GET', url: '/api/v1/images', headers: auth })).json() as { images: Record<string, unknown>[] };
  assert.equal(later.images[1]!.stale, true, 'no scan for three intervals: stale');
});

test('healthz always; readyz once the cache is ready, and still while the config is refused (getparams answers that 503)', async (t) => {
  let ready = false;
  const fx = await startFixture(t, { poller: { isReady: () => ready, rescan: async () => undefined } });
  assert.equal((await send(fx.app, { method: 'GET', url: '/healthz' })).status, 200);
  const waiting = await send(fx.app, { method: 'GET', url: '/readyz' });
  assert.equal(waiting.status, 503);
  assert.equal(waiting.json().cache, 'waiting for the first scan');
  ready = true;
  assert.equal((await send(fx.app, { method: 'GET', url: '/readyz' })).status, 200);
  fx.setConfig(fx.config, 'clusters.static[0].server: required');
  const invalid = await send(fx.app, { method: 'GET', url: '/readyz' });
  assert.equal(invalid.status, 200);
  assert.match(invalid.json().config as string, /clusters\.static\[0\]\.server/);
});

test('/metrics exposes resolutions, staleness, registry requests, budget and latencies', async (t) => {
  const fx = await startFixture(t);
  await send(fx.app, controllerRequest('web-apps'));
  await send(fx.app, controllerRequest('web-apps', { images: ['nope'] }));
  const text = (await send(fx.app, { method: 'GET', url: '/metrics' })).text;
  assert.match(text, /argocd_image_plugins_resolutions\{state="resolved"\} 3/);
  assert.match(text, /argocd_image_plugins_resolution_info\{watch="web",environment="default",image="registry.test:5000\/acme\/web",tag="1.2.0"\} 1/);
  assert.match(text, /argocd_image_plugins_resolution_stale\{watch="web",environment="default"\} 0/);
  assert.match(text, /argocd_image_plugins_getparams_total\{outcome="ok"\} 1/);
  assert.match(text, /argocd_image_plugins_getparams_total\{outcome="GEN_UNKNOWN_WATCH"\} 1/);
  assert.match(text, /argocd_image_plugins_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/getparams.execute",status="200"\} 1/);
  assert.match(text, /# TYPE argocd_image_plugins_push_to_resolved_seconds histogram/);
  assert.match(text, /argocd_image_plugins_clusters 2/);
});

test('registry request counts and budgets come from the registry clients', async (t) => {
  const { buildService } = await import('../../src/server/app.ts');
  const fx = await startFixture(t);
  const svc = await buildService({
    logger: fx.app.log as never, config: () => fx.config, configError: () => undefined, cache: fx.cache, clusters: fx.clusters, clock: fx.clock,
    poller: { isReady: () => true, rescan: async () => undefined },
    registryStats: () => new Map([['ghcr.io', { requestsByStatus: { '200': 12, '429': 2 }, budgetLeft: 986 }]]),
    verifyCounters: () => ({ verified: 3, refused: 5, lookupFailures: 1 }),
  });
  t.after(() => svc.app.close());
  const text = await svc.metrics.registry.metrics();
  assert.match(text, /argocd_image_plugins_registry_requests_total\{registry="ghcr.io",status="429"\} 2/);
  assert.match(text, /argocd_image_plugins_signature_verdicts_total\{verdict="refused"\} 5/);
  assert.match(text, /argocd_image_plugins_signature_verdicts_total\{verdict="lookup_failed"\} 1/);
  assert.match(text, /argocd_image_plugins_registry_budget_left\{registry="ghcr.io"\} 986/);
});

test('tokens and webhook secrets never reach the logs', async (t) => {
  const fx = await startFixture(t);
  fx.app.log.info({ req: { headers: { authorization: `Bearer ${TOKEN}` } }, token: TOKEN }, 'probe');
  await send(fx.app, controllerRequest('x', { images: ['nope'] }));
  await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/distribution', headers: { authorization: 'Bearer wrong-secret', 'content-type': 'application/json' }, payload: '{"events":[]}' });
  const text = JSON.stringify(fx.logs);
  assert.ok(fx.logs.length > 0);
  assert.ok(!text.includes(TOKEN));
  assert.ok(!text.includes('wrong-secret'));
});

test('a body that is not JSON, too large or of another media type answers REQUEST_INVALID with its status', async (t) => {
  const fx = await startFixture(t);
  const base = controllerRequest('web-apps');
  const cases: Array<[Record<string, string>, string, number, RegExp]> = [
    [{}, '{"applicationSetName": ', 400, /JSON/i],
    [{}, `{"applicationSetName":"x","input":{"parameters":{"pad":"${'x'.repeat(1_100_000)}"}}}`, 413, /too large/i],
    [{ 'content-type': 'application/xml' }, '<a/>', 415, /content-type|media type/i],
  ];
  for (const [headers, payload, status, message] of cases) {
    const res = await send(fx.app, { ...base, headers: { ...base.headers, ...headers }, payload });
    assert.equal(res.status, status, res.text);
    assert.equal(res.json().code, 'REQUEST_INVALID');
    assert.match(res.json().message as string, message);
  }
});
