// The opt-in fallback: no overrides in the Application, ARGOCD_IMAGE_PLUGINS_URL set on the sidecar.
// The peer is a loopback HTTP server implementing the service's published contract
// (GET /api/v1/images, Bearer token, 200 {revision, images:[{watch, environment, image, tag, digest,
// ref, resolvedAt, lastCheckedAt, stale, lastError, held}]}), not a script of expected calls. Any
// failure of the lookup must fail the render: never a silent render with stale tags.
import { before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildCli, repository, runPhase, sidecarBin } from './helpers/sidecar.ts';

const TOKEN = 'test-token-for-loopback';
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.0.0\n';

interface Entry {
  watch: string;
  environment: string;
  image: string;
  tag: string | null;
  digest: string | null;
  ref: string | null;
}

function entry(watch: string, environment: string, image: string, tag: string | null): Entry & Record<string, unknown> {
  const digest = tag === null ? null : `sha256:${tag.replace(/\D/g, '').padEnd(64, '0')}`;
  return { watch, environment, image, tag, digest, ref: tag === null ? null : `${image}:${tag}@${digest}`, resolvedAt: '2026-01-01T00:00:00Z', lastCheckedAt: '2026-01-01T00:00:00Z', stale: false, lastError: null, held: null };
}

/** A loopback image service; `mode` picks its behaviour; `requests` counts the calls it answered. */
async function imageService(t: TestContext, mode: 'ok' | 'error500', images: Entry[]): Promise<{ url: string; tokenFile: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests++;
    if (req.method !== 'GET' || req.url !== '/api/v1/images') return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad token"}');
    if (mode === 'error500') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"cache not loaded"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ revision: 7, images }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const dir = mkdtempSync(join(tmpdir(), 'cmp-token-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokenFile, requests: () => requests };
}

before(() => buildCli());

const IMAGES = [entry('web', 'default', 'ghcr.io/acme/web', '1.4.2'), entry('web', 'staging', 'ghcr.io/acme/web', '1.5.0'), entry('api', 'default', 'ghcr.io/acme/api', null)];

test('with no overrides, the current resolutions come from the service, per environment', async (t) => {
  const service = await imageService(t, 'ok', IMAGES);
  const bin = sidecarBin(t);
  const { app } = repository(t, { 'd.yaml': DEPLOYMENT });
  const sidecar = { ARGOCD_IMAGE_PLUGINS_URL: `${service.url}/`, ARGOCD_IMAGE_PLUGINS_TOKEN_FILE: service.tokenFile };
  const prod = await runPhase('generate', app, bin, sidecar);
  assert.equal(prod.exitCode, 0, prod.stderr);
  assert.equal(prod.stdout, DEPLOYMENT.replace('ghcr.io/acme/web:1.0.0', IMAGES[0]!.ref!));
  const staging = await runPhase('generate', app, bin, { ...sidecar, ARGOCD_ENV_IMAGE_ENVIRONMENT: 'staging' });
  assert.equal(staging.exitCode, 0, staging.stderr);
  assert.equal(staging.stdout, DEPLOYMENT.replace('ghcr.io/acme/web:1.0.0', IMAGES[1]!.ref!));
  assert.equal(service.requests(), 2);
});

test('overrides in the Application win: the service is not asked', async (t) => {
  const service = await imageService(t, 'ok', IMAGES);
  const bin = sidecarBin(t);
  const { app } = repository(t, { 'd.yaml': DEPLOYMENT });
  const r = await runPhase('generate', app, bin, { ARGOCD_IMAGE_PLUGINS_URL: service.url, ARGOCD_IMAGE_PLUGINS_TOKEN_FILE: service.tokenFile, ARGOCD_ENV_IMAGE_OVERRIDES: '{"ghcr.io/acme/web":"ghcr.io/acme/web:9.9.9"}' });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /image: ghcr\.io\/acme\/web:9\.9\.9\n/);
  assert.equal(service.requests(), 0);
});

const failures: { name: string; setup: (t: TestContext) => Promise<Record<string, string>>; files?: Record<string, string>; says: RegExp }[] = [
  {
    name: 'service down',
    setup: async () => {
      const s = createServer();
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      const port = (s.address() as AddressInfo).port;
      await new Promise<void>((resolve) => s.close(() => resolve()));
      return { ARGOCD_IMAGE_PLUGINS_URL: `http://127.0.0.1:${port}` };
    },
    says: /is unreachable \(ECONNREFUSED\)/,
  },
  {
    name: 'service answers 500',
    setup: async (t) => {
      const s = await imageService(t, 'error500', IMAGES);
      return { ARGOCD_IMAGE_PLUGINS_URL: s.url, ARGOCD_IMAGE_PLUGINS_TOKEN_FILE: s.tokenFile };
    },
    says: /answered 500: \{"message":"cache not loaded"\}/,
  },
  {
    name: 'wrong token',
    setup: async (t) => {
      const s = await imageService(t, 'ok', IMAGES);
      writeFileSync(s.tokenFile, 'not-the-token');
      return { ARGOCD_IMAGE_PLUGINS_URL: s.url, ARGOCD_IMAGE_PLUGINS_TOKEN_FILE: s.tokenFile };
    },
    says: /answered 401/,
  },
  {
    name: 'an image the app uses has never resolved (null ref)',
    setup: async (t) => {
      const s = await imageService(t, 'ok', IMAGES);
      return { ARGOCD_IMAGE_PLUGINS_URL: s.url, ARGOCD_IMAGE_PLUGINS_TOKEN_FILE: s.tokenFile };
    },
    files: { 'd.yaml': DEPLOYMENT.replace('ghcr.io/acme/web:1.0.0', 'ghcr.io/acme/api:0.1') },
    says: /ghcr\.io\/acme\/api \(watch api, environment default\) has never resolved/,
  },
];

for (const f of failures) {
  test(`fallback failure fails the render: ${f.name}`, async (t) => {
    const env = await f.setup(t);
    const bin = sidecarBin(t);
    const { app } = repository(t, f.files ?? { 'd.yaml': DEPLOYMENT });
    const r = await runPhase('generate', app, bin, env);
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^argocd-image-plugins cmp generate failed \(CMP_FALLBACK_FAILED\): image service fallback: /);
    assert.match(r.stderr, f.says);
    assert.match(r.stderr, /not rendering with possibly stale images/);
  });
}
