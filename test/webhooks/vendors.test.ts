// Push events of Azure Container Registry, Quay, Artifact Registry (Pub/Sub push) and GitLab's
// registry, from the vendors' documented samples (test/webhooks/vendor-samples.ts cites each):
// each verified the way its sender allows, each re-scanning only the configured image it names,
// each refusing a wrong or missing secret and a malformed body with the field named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseConfig, startFixture, WEBHOOK_SECRET } from '../generator/fixture.ts';
import { send } from '../generator/socket.ts';
import { acrPush, gcrMessage, gitlabNotification, pubsubPush, quayPush } from './vendor-samples.ts';

const IMAGES = {
  acr: 'myregistry.azurecr.io/hello-world',
  quay: 'quay.io/dgangaia/test',
  gar: 'us-east1-docker.pkg.dev/my-project/my-repo/hello-world',
  gitlab: 'registry.gitlab.example.com/group/project/app',
};

function config(dir: string): Record<string, unknown> {
  const base = baseConfig(dir);
  const watches = Object.entries(IMAGES).map(([name, image]) => ({ name, image, policy: { semver: { range: '>=1.0.0' } } }));
  return { ...base, watches: [...(base.watches as unknown[]), ...watches] };
}

const json = { 'content-type': 'application/json' };
const bearer = { ...json, authorization: `Bearer ${WEBHOOK_SECRET}` };

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 20));
}

test('ACR: the documented push event with the Authorization custom header; ping, chart pushes and digest pushes are ignored', async (t) => {
  const fx = await startFixture(t, { config });
  const post = (headers: Record<string, string>, body: unknown) => send(fx.app, { method: 'POST', url: '/api/v1/webhooks/acr', headers, payload: JSON.stringify(body) });
  const ok = await post(bearer, acrPush());
  assert.equal(ok.status, 202, ok.text);
  assert.deepEqual(ok.json().rescanning, [IMAGES.acr]);
  assert.equal((await post(json, acrPush())).status, 401);
  assert.equal((await post({ ...json, authorization: 'Bearer guess' }, acrPush())).status, 401);
  for (const quiet of [acrPush(undefined, undefined, undefined, 'ping'), acrPush(undefined, undefined, undefined, 'chart_push'), acrPush(undefined, undefined, undefined)]) {
    if (quiet.action === 'push') delete (quiet.target as Record<string, unknown>).tag;
    assert.deepEqual((await post(bearer, quiet)).json(), { rescanning: [], ignored: 0 });
  }
  for (const [body, reason] of [[{ target: {} }, /"action"/], [acrPush('bad host/x'), /registry host/], [acrPush(undefined, 'Hello'), /image reference/], [{ action: 'push', target: { repository: 'a' } }, /request\.host/]] as const) {
    const res = await post(bearer, body);
    assert.equal(res.status, 400, res.text);
    assert.match(res.json().message as string, reason);
  }
  await settle();
  assert.deepEqual(fx.rescans, [`${IMAGES.acr} webhook:acr`]);
});

test('Quay: the documented Repository Push notification, secret in the URL; the older tag map form too', async (t) => {
  const fx = await startFixture(t, { config });
  const post = (query: string, body: unknown) => send(fx.app, { method: 'POST', url: `/api/v1/webhooks/quay${query}`, headers: json, payload: JSON.stringify(body) });
  const ok = await post(`?secret=${WEBHOOK_SECRET}`, quayPush());
  assert.equal(ok.status, 202, ok.text);
  assert.deepEqual(ok.json().rescanning, [IMAGES.quay]);
  assert.equal((await post('', quayPush())).status, 401);
  assert.equal((await post('?secret=guess', quayPush())).status, 401);
  assert.equal((await post(`?secret=${WEBHOOK_SECRET}`, quayPush(undefined, { latest: 'b750fe79269d2ec9a3c593ef05b4332b1d1a02a62b4accb2c21d589ff2f5f2dc' }))).status, 202);
  // A build notification has docker_url but no updated_tags: accepted, nothing to do.
  assert.deepEqual((await post(`?secret=${WEBHOOK_SECRET}`, { ...quayPush(), updated_tags: undefined })).json(), { rescanning: [], ignored: 0 });
  for (const [body, reason] of [[{ repository: 'a/b' }, /docker_url/], [quayPush(undefined, 'latest'), /updated_tags/], [quayPush('dgangaia/test'), /registry host/], [quayPush(undefined, ['ok', 'no/slash']), /image reference/]] as const) {
    const res = await post(`?secret=${WEBHOOK_SECRET}`, body);
    assert.equal(res.status, 400, res.text);
    assert.match(res.json().message as string, reason);
  }
  await settle();
  assert.deepEqual(fx.rescans, [`${IMAGES.quay} webhook:quay`, `${IMAGES.quay} webhook:quay`]);
});

test('Artifact Registry: a gcr topic message through a Pub/Sub push subscription (wrapped or unwrapped), secret in the endpoint URL', async (t) => {
  const fx = await startFixture(t, { config });
  const post = (query: string, body: unknown) => send(fx.app, { method: 'POST', url: `/api/v1/webhooks/gar${query}`, headers: json, payload: JSON.stringify(body) });
  const q = `?secret=${WEBHOOK_SECRET}`;
  const ok = await post(q, pubsubPush(gcrMessage()));
  assert.equal(ok.status, 202, ok.text);
  assert.deepEqual(ok.json().rescanning, [IMAGES.gar]);
  assert.equal((await post(q, gcrMessage())).status, 202, 'payload unwrapping: the bare message');
  assert.equal((await post('', pubsubPush(gcrMessage()))).status, 401);
  assert.equal((await post(`?secret=${WEBHOOK_SECRET.toUpperCase()}`, pubsubPush(gcrMessage()))).status, 401);
  assert.deepEqual((await post(q, pubsubPush(gcrMessage(undefined, null)))).json(), { rescanning: [], ignored: 0 }, 'an upload by digest alone');
  assert.deepEqual((await post(q, pubsubPush(gcrMessage(undefined, null, 'DELETE')))).json().rescanning, [IMAGES.gar], 'a deleted image re-scans');
  const bad: Array<[unknown, RegExp]> = [
    [{ message: { data: '%%%' } }, /base64/], [pubsubPush('not json'), /base64 of JSON/], [pubsubPush({ action: 'UPSERT' }), /INSERT or DELETE/],
    [pubsubPush(gcrMessage('my-project/my-repo/hello-world')), /registry host/], [pubsubPush({ action: 'INSERT', tag: 7 }), /tag/],
  ];
  for (const [body, reason] of bad) {
    const res = await post(q, body);
    assert.equal(res.status, 400, res.text);
    assert.match(res.json().message as string, reason);
  }
  await settle();
  assert.deepEqual(fx.rescans, [`${IMAGES.gar} webhook:gar`, `${IMAGES.gar} webhook:gar`, `${IMAGES.gar} webhook:gar`]);
});

test("GitLab: the registry's Distribution notifications with the endpoint's Authorization header", async (t) => {
  const fx = await startFixture(t, { config });
  const post = (headers: Record<string, string>, body: unknown) => send(fx.app, { method: 'POST', url: '/api/v1/webhooks/gitlab', headers, payload: JSON.stringify(body) });
  const ok = await post(bearer, gitlabNotification());
  assert.equal(ok.status, 202, ok.text);
  assert.deepEqual(ok.json().rescanning, [IMAGES.gitlab]);
  assert.equal((await post(json, gitlabNotification())).status, 401);
  assert.equal((await post({ ...json, authorization: `Bearer ${WEBHOOK_SECRET}`.slice(0, -1) }, gitlabNotification())).status, 401);
  await settle();
  assert.deepEqual(fx.rescans, [`${IMAGES.gitlab} webhook:gitlab`]);
});
