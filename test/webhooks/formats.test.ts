// Push events in each supported format, verified (shared secret or signature), each triggering a
// re-scan of only the configured image it names. Payloads follow each sender's published format:
// Distribution notifications, Docker Hub webhooks, GitHub `package` events (GHCR), Harbor v2.
// The poller here records re-scan requests; test/webhooks/e2e.test.ts uses the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { baseConfig, startFixture, WEBHOOK_SECRET } from '../generator/fixture.ts';
import { send } from '../generator/socket.ts';

function config(dir: string): Record<string, unknown> {
  const base = baseConfig(dir);
  return {
    ...base,
    registries: [
      { host: 'registry.test:5000', url: 'http://127.0.0.1:5999', insecure: true },
      { host: 'harbor.example.com', url: 'https://harbor.example.com' },
    ],
    watches: [
      ...(base.watches as unknown[]),
      { name: 'nginx', image: 'nginx', policy: { semver: { range: '>=1.0.0' } } },
      { name: 'tool', image: 'ghcr.io/acme-org/tool', policy: { semver: { range: '>=1.0.0' } } },
      { name: 'portal', image: 'harbor.example.com/team/portal', policy: { semver: { range: '>=1.0.0' } } },
    ],
  };
}

const distributionBody = JSON.stringify({
  events: [
    { action: 'push', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'acme/web', digest: 'sha256:aa' }, request: { host: '127.0.0.1:5999', method: 'PUT' } },
    { action: 'push', target: { mediaType: 'application/vnd.oci.image.index.v1+json', repository: 'acme/web', tag: '1.5.0', digest: 'sha256:bb' }, request: { host: '127.0.0.1:5999', method: 'PUT' } },
    { action: 'pull', target: { repository: 'acme/api', tag: '1.0.0' }, request: { host: '127.0.0.1:5999' } },
  ],
});

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 20));
}

test('Distribution notifications: Bearer secret verified; the API host maps to the configured registry', async (t) => {
  const fx = await startFixture(t, { config });
  const headers = { 'content-type': 'application/vnd.docker.distribution.events.v1+json' };
  const res = await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/distribution', headers: { ...headers, authorization: `Bearer ${WEBHOOK_SECRET}` }, payload: distributionBody });
  assert.equal(res.status, 202, res.text);
  assert.deepEqual(res.json().rescanning, ['registry.test:5000/acme/web']);
  await settle();
  assert.deepEqual(fx.rescans, ['registry.test:5000/acme/web webhook:distribution']);
  const bad = await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/distribution', headers: { ...headers, authorization: 'Bearer guess' }, payload: distributionBody });
  assert.equal(bad.status, 401);
  const none = await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/distribution', headers, payload: distributionBody });
  assert.equal(none.status, 401);
  await settle();
  assert.equal(fx.rescans.length, 1, 'unverified events trigger nothing');
});

test('Docker Hub: secret in the URL; official images map to library/', async (t) => {
  const fx = await startFixture(t, { config });
  const payload = JSON.stringify({ callback_url: 'https://registry.hub.docker.com/u/x/hook/1/', push_data: { tag: '1.27.1', pusher: 'someone' }, repository: { repo_name: 'nginx', namespace: 'library', name: 'nginx' } });
  const ok = await send(fx.app, { method: 'POST', url: `/api/v1/webhooks/dockerhub?secret=${WEBHOOK_SECRET}`, headers: { 'content-type': 'application/json' }, payload });
  assert.equal(ok.status, 202);
  assert.equal((await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/dockerhub?secret=nope', headers: { 'content-type': 'application/json' }, payload })).status, 401);
  await settle();
  assert.deepEqual(fx.rescans, ['docker.io/library/nginx webhook:dockerhub']);
});

test('GHCR: GitHub package events signed with X-Hub-Signature-256', async (t) => {
  const fx = await startFixture(t, { config });
  const payload = JSON.stringify({ action: 'published', package: { name: 'tool', package_type: 'CONTAINER', owner: { login: 'Acme-Org' }, package_version: { container_metadata: { tag: { name: '1.2.3', digest: 'sha256:cc' } } } } });
  const sig = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(payload).digest('hex')}`;
  const headers = { 'content-type': 'application/json', 'x-github-event': 'package' };
  assert.equal((await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/ghcr', headers: { ...headers, 'x-hub-signature-256': sig }, payload })).status, 202);
  const tampered = payload.replace('1.2.3', '9.9.9');
  assert.equal((await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/ghcr', headers: { ...headers, 'x-hub-signature-256': sig }, payload: tampered })).status, 401);
  const ping = JSON.stringify({ zen: 'Keep it logically awesome.' });
  const pingSig = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(ping).digest('hex')}`;
  assert.equal((await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/ghcr', headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-hub-signature-256': pingSig }, payload: ping })).status, 202);
  await settle();
  assert.deepEqual(fx.rescans, ['ghcr.io/acme-org/tool webhook:ghcr']);
});

test('Harbor: the Auth Header carries the secret; PUSH_ARTIFACT resources name the image', async (t) => {
  const fx = await startFixture(t, { config });
  const payload = JSON.stringify({ type: 'PUSH_ARTIFACT', occur_at: 1767225600, operator: 'robot', event_data: { resources: [{ digest: 'sha256:dd', tag: '2.0.0', resource_url: 'harbor.example.com/team/portal:2.0.0' }], repository: { name: 'portal', namespace: 'team', repo_full_name: 'team/portal', repo_type: 'private' } } });
  assert.equal((await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/harbor', headers: { 'content-type': 'application/json', authorization: WEBHOOK_SECRET }, payload })).status, 202);
  assert.equal((await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/harbor', headers: { 'content-type': 'application/json', authorization: 'other' }, payload })).status, 401);
  await settle();
  assert.deepEqual(fx.rescans, ['harbor.example.com/team/portal webhook:harbor']);
});

test('an event for an image nobody watches is accepted and ignored; malformed bodies are 400; unknown sources 404', async (t) => {
  const fx = await startFixture(t, { config });
  const payload = JSON.stringify({ push_data: { tag: '1' }, repository: { repo_name: 'someone/else' } });
  const res = await send(fx.app, { method: 'POST', url: `/api/v1/webhooks/dockerhub?secret=${WEBHOOK_SECRET}`, headers: { 'content-type': 'application/json' }, payload });
  assert.equal(res.status, 202);
  assert.deepEqual(res.json(), { rescanning: [], ignored: 1 });
  const bad = await send(fx.app, { method: 'POST', url: `/api/v1/webhooks/dockerhub?secret=${WEBHOOK_SECRET}`, headers: { 'content-type': 'application/json' }, payload: '{"nothing":1}' });
  assert.equal(bad.status, 400);
  assert.match(bad.json().message as string, /repository\.repo_name/);
  const unknown = await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/artifactory', headers: { 'content-type': 'application/json' }, payload: '{}' });
  assert.equal(unknown.status, 404);
  assert.match(unknown.json().message as string, /distribution, dockerhub, ghcr, harbor, ecr, acr, quay, gar, gitlab/);
  await settle();
  assert.deepEqual(fx.rescans, []);
});

test('without a configured secret every webhook is refused', async (t) => {
  const fx = await startFixture(t, { config: (dir) => ({ ...config(dir), server: { tokenFile: `${dir}/token` } }) });
  const res = await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/distribution', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, payload: distributionBody });
  assert.equal(res.status, 403);
  assert.match(res.json().message as string, /server\.webhooks\.secret/);
});
