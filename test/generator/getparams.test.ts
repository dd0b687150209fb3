// POST /api/v1/getparams.execute over a real socket, with requests built as the ApplicationSet
// controller builds them (Argo CD's applicationset/services/plugin) and the bytes on the wire checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { baseConfig, controllerRequest, mustParse, record, startFixture, TOKEN } from './fixture.ts';
import { send } from './socket.ts';

type Set = Record<string, unknown> & { images: Record<string, Record<string, string>>; metadata: Record<string, Record<string, string>> };

function sets(body: Record<string, unknown>): Set[] {
  return (body.output as { parameters: Set[] }).parameters;
}

function leaves(value: unknown, path = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [[path, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

test('answers one parameter set per cluster with every key on the wire, every leaf a string', async (t) => {
  const fx = await startFixture(t);
  const res = await send(fx.app, controllerRequest('web-apps', { images: ['web'] }));
  assert.equal(res.status, 200, res.text);
  const [prod, staging] = sets(res.json());
  assert.deepEqual(Object.keys(prod!), ['name', 'nameNormalized', 'server', 'project', 'metadata', 'images', 'imageOverrides', 'imagesRevision']);
  assert.equal(prod!.name, 'prod-eu_1');
  assert.equal(prod!.nameNormalized, 'prod-eu-1');
  assert.equal(prod!.project, '');
  assert.deepEqual(prod!.metadata, { labels: { environment: 'prod', region: 'eu' }, annotations: { 'argocd-image-plugins/platforms': 'linux/amd64' } });
  assert.equal(prod!.images.web!.tag, '1.2.0');
  assert.equal(prod!.images.web!.repository, 'registry.test:5000/acme/web');
  assert.match(prod!.images.web!.ref!, /^registry\.test:5000\/acme\/web:1\.2\.0@sha256:[0-9a-f]{64}$/);
  assert.equal(prod!.images.web!.digest, prod!.images.web!.ref!.split('@')[1]);
  assert.deepEqual(JSON.parse(prod!.imageOverrides as string), { 'registry.test:5000/acme/web': prod!.images.web!.ref });
  assert.match(prod!.imagesRevision as string, /^[0-9a-f]{16}$/);
  // staging has an override for `web`, and its own environment entry; no annotations → no key.
  assert.equal(staging!.images.web!.tag, '1.3.0-rc.1');
  assert.equal(staging!.project, 'team-a');
  assert.deepEqual(Object.keys(staging!.metadata), ['labels']);
  assert.notEqual(staging!.imagesRevision, prod!.imagesRevision);
  for (const [path, v] of leaves(res.json())) assert.equal(typeof v, 'string', `${path} is ${typeof v}`);
});

test('input.parameters absent (as the controller omits it): every watch this ApplicationSet may use', async (t) => {
  const fx = await startFixture(t);
  const plain = sets((await send(fx.app, controllerRequest('web-apps'))).json());
  assert.deepEqual(Object.keys(plain[0]!.images), ['web'], '`api` is reserved for payments-* ApplicationSets');
  const payments = sets((await send(fx.app, controllerRequest('payments-eu'))).json());
  assert.deepEqual(Object.keys(payments[0]!.images), ['api', 'web']);
  assert.deepEqual(JSON.parse(payments[0]!.imageOverrides as string), { 'registry.test:5000/acme/api': payments[0]!.images.api!.ref, 'registry.test:5000/acme/web': payments[0]!.images.web!.ref });
});

test('identical inputs answer identical bytes; a cache change rebuilds', async (t) => {
  const fx = await startFixture(t);
  const a = await send(fx.app, controllerRequest('web-apps', { images: ['web'], clusterSelector: { matchLabels: { region: 'eu' } } }));
  const b = await send(fx.app, controllerRequest('other-name', { clusterSelector: { matchLabels: { region: 'eu' } }, images: ['web'] }));
  assert.equal(a.text, b.text);
  record(fx.cache, 'web', 'default', 'registry.test:5000/acme/web', '1.4.0');
  const c = await send(fx.app, controllerRequest('web-apps', { images: ['web'], clusterSelector: { matchLabels: { region: 'eu' } } }));
  assert.notEqual(c.text, a.text);
  assert.equal(sets(c.json())[0]!.images.web!.tag, '1.4.0');
});

test('clusterSelector matchLabels and matchExpressions choose the clusters', async (t) => {
  const fx = await startFixture(t);
  const eu = sets((await send(fx.app, controllerRequest('x', { clusterSelector: { matchLabels: { region: 'eu' } } }))).json());
  assert.deepEqual(eu.map((s) => s.name), ['prod-eu_1']);
  const notEu = sets((await send(fx.app, controllerRequest('x', { clusterSelector: { matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['eu'] }] } }))).json());
  assert.deepEqual(notEu.map((s) => s.name), ['staging']);
});

test('never 2xx with an empty list unless allowEmpty is set', async (t) => {
  const fx = await startFixture(t);
  const selector = { matchLabels: { region: 'mars' } };
  const refused = await send(fx.app, controllerRequest('x', { clusterSelector: selector }));
  assert.equal(refused.status, 409);
  assert.equal(refused.json().code, 'GEN_EMPTY');
  assert.match(refused.json().message as string, /allowEmpty/);
  const allowed = await send(fx.app, controllerRequest('x', { clusterSelector: selector, allowEmpty: 'true' }));
  assert.equal(allowed.status, 200);
  assert.equal(allowed.text, '{"output":{"parameters":[]}}');
});

test('an inventory with no clusters at all is refused too', async (t) => {
  const fx = await startFixture(t, { config: (dir) => ({ ...baseConfig(dir), clusters: { static: [] } }) });
  const res = await send(fx.app, controllerRequest('x'));
  assert.equal(res.status, 409);
  assert.match(res.json().message as string, /0 clusters known.*delete every Application/);
});

test('unknown keys and wrong types answer 400 naming the field', async (t) => {
  const fx = await startFixture(t);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ registry: 'evil.example' }, /input\.parameters\.registry: unknown key; allowed keys are images, clusterSelector, allowEmpty, unknownImages/],
    [{ images: 'web' }, /input\.parameters\.images: must be a list/],
    [{ images: ['web', 3] }, /input\.parameters\.images\[1\]: must be a non-empty string/],
    [{ clusterSelector: { matchLabels: { env: 1 } } }, /clusterSelector\.matchLabels\.env: must be a string/],
    [{ clusterSelector: { matchLabels: {}, regex: '.*' } }, /clusterSelector\.regex: unknown key/],
    [{ clusterSelector: { matchExpressions: [{ key: 'a', operator: 'Like', values: ['x'] }] } }, /matchExpressions\[0\]\.operator: must be one of In, NotIn, Exists, DoesNotExist/],
    [{ allowEmpty: 'yes' }, /allowEmpty: must be true or false/],
    [{ images: ['nope'] }, /images\[0\]: no watch named "nope".*configured watches: api, web\. .*set input\.parameters\.unknownImages: ignore/],
    [{ images: ['nope'], unknownImages: 'skip' }, /input\.parameters\.unknownImages: must be one of refuse, ignore/],
  ];
  for (const [parameters, message] of cases) {
    const res = await send(fx.app, controllerRequest('x', parameters));
    assert.equal(res.status, 400, JSON.stringify(parameters));
    assert.match(res.json().message as string, message);
  }
  const noName = await send(fx.app, { ...controllerRequest('x'), payload: '{"input":{}}' });
  assert.equal(noName.status, 400);
  assert.match(noName.json().message as string, /applicationSetName/);
});

test('a watch restricted to other ApplicationSets answers 403 naming the watch', async (t) => {
  const fx = await startFixture(t);
  const res = await send(fx.app, controllerRequest('web-apps', { images: ['web', 'api'] }));
  assert.equal(res.status, 403);
  assert.match(res.json().message as string, /"web-apps" may not request watch "api"; its allowedApplicationSets are payments-\*/);
  assert.equal((await send(fx.app, controllerRequest('payments-prod', { images: ['api'] }))).status, 200);
});

test('401 for a missing or wrong token; the token file is re-read after it changes', async (t) => {
  const fx = await startFixture(t);
  assert.equal((await send(fx.app, controllerRequest('x', undefined, null))).status, 401);
  const wrong = await send(fx.app, controllerRequest('x', undefined, 'not-the-token'));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json().code, 'AUTH_INVALID');
  // token: $argocd-image-plugins-token:token with no key "token" in that Secret: Argo CD sends "$token".
  const literal = await send(fx.app, controllerRequest('x', undefined, '$token'));
  assert.match(literal.json().message as string, /begins with "\$", which is what the controller sends when the Secret key .* is missing .*add the key to that Secret/);
  // the hint names no part of what was presented: a "$" in front of a real token must not echo it
  const argocdSecret = await send(fx.app, controllerRequest('x', undefined, '$plugin.images.token'));
  assert.match(argocdSecret.json().message as string, /argocd-secret/);
  assert.doesNotMatch(argocdSecret.json().message as string, /plugin\.images\.token/);
  writeFileSync(fx.tokenFile, 'rotated-token\n');
  fx.clock.advance(5000);
  assert.equal((await send(fx.app, controllerRequest('x', undefined, TOKEN))).status, 401, 'the old token stops working');
  assert.equal((await send(fx.app, controllerRequest('x', undefined, 'rotated-token'))).status, 200);
  assert.equal((await send(fx.app, { method: 'GET', url: '/api/v1/images' })).status, 401);
  assert.ok(!JSON.stringify(fx.logs).includes('rotated-token'), 'tokens never reach the logs');
});

test('a requested watch that never resolved answers 503 with the reason', async (t) => {
  const fx = await startFixture(t, { fill: false });
  fx.cache.record('web', 'default', 'registry.test:5000/acme/web', { kind: 'failed', error: { code: 'REG_UNAVAILABLE', message: 'registry answered 503', at: new Date().toISOString() } });
  const res = await send(fx.app, controllerRequest('x', { images: ['web'] }));
  assert.equal(res.status, 503);
  assert.equal(res.json().code, 'GEN_NOT_RESOLVED');
  assert.match(res.json().message as string, /watch "web" \(environment default.*never resolved; last error: registry answered 503/);
});

test('an invalid config answers 503 naming the problem', async (t) => {
  const fx = await startFixture(t);
  fx.setConfig(fx.config, 'watches[0].policy.semver.range: ">=1.x" is not a semver range');
  const res = await send(fx.app, controllerRequest('x'));
  assert.equal(res.status, 503);
  assert.match(res.json().message as string, /config is invalid.*watches\[0\]\.policy/);
  fx.setConfig(undefined);
  assert.equal((await send(fx.app, controllerRequest('x'))).status, 503);
});

test('platforms: a cluster the current image lacks gets the last reference that has them, or a clear error', async (t) => {
  const fx = await startFixture(t, {
    config: (dir) => ({
      ...baseConfig(dir),
      clusters: { platformsAnnotation: 'platforms', static: [{ name: 'pi', server: 'https://pi', annotations: { platforms: 'linux/arm/v7' } }, { name: 'graviton', server: 'https://g', annotations: { platforms: 'linux/arm64' } }] },
    }),
    fill: false,
  });
  const image = 'registry.test:5000/acme/web';
  record(fx.cache, 'web', 'default', image, '1.0.0', ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']);
  record(fx.cache, 'web', 'default', image, '1.1.0', ['linux/amd64', 'linux/arm64/v8']);
  const res = await send(fx.app, controllerRequest('x', { images: ['web'] }));
  assert.equal(res.status, 200, res.text);
  const byName = Object.fromEntries(sets(res.json()).map((s) => [s.name, s.images.web!.tag]));
  assert.deepEqual(byName, { graviton: '1.1.0', pi: '1.0.0' });
  record(fx.cache, 'web', 'default', image, '1.2.0', ['linux/amd64']);
  const mixed = await send(fx.app, controllerRequest('x', { images: ['web'], clusterSelector: {} }));
  assert.equal(sets(mixed.json()).find((s) => s.name === 'graviton')!.images.web!.tag, '1.1.0');
  const fresh = await startFixture(t, { config: (dir) => ({ ...baseConfig(dir), clusters: { platformsAnnotation: 'platforms', static: [{ name: 'pi', server: 'https://pi', annotations: { platforms: 'linux/arm/v7' } }] } }), fill: false });
  record(fresh.cache, 'web', 'default', image, '2.0.0', ['linux/amd64']);
  const none = await send(fresh.app, controllerRequest('x', { images: ['web'] }));
  assert.equal(none.status, 409);
  assert.match(none.json().message as string, /cluster "pi" runs linux\/arm\/v7, which no resolution of watch "web"/);
});

test('a config change (new cluster) rebuilds the answer', async (t) => {
  const fx = await startFixture(t);
  const before = sets((await send(fx.app, controllerRequest('x'))).json());
  const next = mustParse({ ...baseConfig(fx.dir), clusters: { static: [{ name: 'z-new', server: 'https://z', labels: { environment: 'prod' } }] } });
  fx.setConfig(next);
  const after = sets((await send(fx.app, controllerRequest('x'))).json());
  assert.deepEqual(before.map((s) => s.name), ['prod-eu_1', 'staging']);
  assert.deepEqual(after.map((s) => s.name), ['z-new']);
});

test('a key written with no value (JSON null) means absent', async (t) => {
  const fx = await startFixture(t);
  const absent = await send(fx.app, controllerRequest('web-apps'));
  const nulls = await send(fx.app, controllerRequest('web-apps', { images: null, clusterSelector: null, allowEmpty: null, unknownImages: null }));
  assert.equal(nulls.status, 200, nulls.text);
  assert.equal(nulls.text, absent.text);
});

test('Git directories × plugin: a directory without a watch of its name is refused unless the ApplicationSet says unknownImages: ignore', async (t) => {
  const fx = await startFixture(t);
  // What a matrix sends for the directory "docs" with images: ['{{.path.basename}}'] templated.
  const refused = await send(fx.app, controllerRequest('web-apps', { images: ['docs'] }));
  assert.equal(refused.status, 400);
  assert.equal(refused.json().code, 'GEN_UNKNOWN_WATCH');
  const none = await send(fx.app, controllerRequest('web-apps', { images: ['docs'], unknownImages: 'ignore' }));
  assert.equal(none.status, 200, none.text);
  const noneSets = sets(none.json());
  assert.equal(noneSets.length, 2, 'one parameter set per cluster still: the directory keeps its Applications');
  for (const set of noneSets) {
    assert.deepEqual(set.images, {});
    assert.equal(set.imageOverrides, '{}');
  }
  const some = sets((await send(fx.app, controllerRequest('web-apps', { images: ['docs', 'web'], unknownImages: 'ignore' }))).json());
  assert.deepEqual(Object.keys(some[0]!.images), ['web']);
  // ignore covers names no watch has, never a watch the ApplicationSet may not use.
  const forbidden = await send(fx.app, controllerRequest('web-apps', { images: ['api'], unknownImages: 'ignore' }));
  assert.equal(forbidden.status, 403);
  const strict = await send(fx.app, controllerRequest('web-apps', { images: ['docs'], unknownImages: 'refuse' }));
  assert.equal(strict.status, 400);
});
