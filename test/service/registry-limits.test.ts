// Rate-limit state is visible: `serve` as a real process polls the real registry behind a proxy that
// meters requests the way Docker Hub does (`ratelimit-limit/-remaining` with `;w=`), and
// GET /api/v1/registries and /metrics show the registry's window, the entry's own window, the 429
// it answered, and that requests now wait (and until when), with the registry host as the only label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { startLimitingProxy } from '../helpers/limiting-proxy.ts';
import { startServe, stopServe, type ServeProcess } from '../helpers/serve-process.ts';
import { until } from '../helpers/until.ts';
import type { RegistryLimitsView } from '../../src/registry/limits-view.ts';

const TOKEN = 'limits-token-5e2a91';
const HOUR_MS = 3600_000;

async function registries(url: string, token = TOKEN): Promise<{ status: number; body: { registries?: RegistryLimitsView[] } }> {
  const res = await request(`${url}/api/v1/registries`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: (await res.body.json()) as { registries?: RegistryLimitsView[] } };
}

async function metricsText(url: string): Promise<string> {
  const res = await request(`${url}/metrics`);
  return res.body.text();
}

test('GET /api/v1/registries and /metrics show the registry\'s window, its 429s and the wait it imposes', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z' });
  // 97 of 100 already spent by another client of the account, and the first request refused with Retry-After
  const hub = await startLimitingProxy({ target: reg.url, limit: 100, windowSeconds: 21_600, spent: 97, refuseFirst: { count: 1, retryAfterSeconds: 1 } });
  t.after(() => hub.stop());
  const dir = await mkdtemp(join(tmpdir(), 'aip-limits-'));
  const running: { serve?: ServeProcess } = {};
  t.after(async () => {
    // the service writes its cache into dir as it stops: stop it before dir goes
    if (running.serve) await stopServe(running.serve);
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  await writeFile(join(dir, 'config.yaml'), [
    `server: { tokenFile: ${join(dir, 'token')}, refreshApplicationSets: false }`,
    'polling: { intervalSeconds: 3600 }',
    `cache: { path: ${join(dir, 'cache.json')} }`,
    'registries:',
    `  - { host: "${hub.host}", url: "${hub.url}", insecure: true, rateLimit: { requests: 50, windowSeconds: 3600 } }`,
    'watches:',
    `  - { name: web, image: ${hub.host}/acme/web, policy: { semver: { range: "^1.0.0" } } }`,
    '',
  ].join('\n'));
  const serve = (running.serve = await startServe(join(dir, 'config.yaml')));

  assert.equal((await registries(serve.url, 'wrong')).status, 401, 'the same Bearer token as /api/v1/images');
  const row = await until(async () => {
    const r = (await registries(serve.url)).body.registries?.[0];
    // the request that spent the window is counted as it leaves; wait until the registry has it too
    return r?.waiting.state === 'waiting' && r.windows.registry?.remaining === hub.remaining() ? r : undefined;
  }, { what: () => `the registry's window spent down to the reserve, as the registry counts it (registry: ${hub.remaining()} left)`, deadlineMs: 60_000 });
  const now = Date.now();
  assert.equal(row.host, hub.host);
  assert.equal(row.refused, 1, 'the one refusal the registry sent');
  assert.deepEqual(hub.answered.filter((s) => s === '429'), ['429'], 'nothing refused after it: the poller stopped before the registry would');
  assert.equal(row.windows.registry?.limit, 100);
  assert.equal(row.windows.registry?.windowSeconds, 21_600);
  assert.ok(row.windows.registry.remaining <= 1, `remaining ${row.windows.registry.remaining}`);
  assert.equal(row.windows.entry?.limit, 50);
  assert.equal(row.windows.entry.used, row.budget.used, 'every request this entry sent took one of its own window');
  assert.equal(row.windows.credential, null, 'anonymous: no credential window');
  assert.ok(Date.parse(row.waiting.until ?? '') > now + HOUR_MS, `waits until ${row.waiting.until}`);

  const text = await metricsText(serve.url);
  const label = `registry="${hub.host}"`;
  assert.match(text, new RegExp(`argocd_image_plugins_registry_ratelimit_limit\\{${label},window="registry"\\} 100\\n`));
  assert.match(text, new RegExp(`argocd_image_plugins_registry_ratelimit_limit\\{${label},window="entry"\\} 50\\n`));
  assert.match(text, new RegExp(`argocd_image_plugins_registry_ratelimit_window_seconds\\{${label},window="registry"\\} 21600\\n`));
  assert.match(text, new RegExp(`argocd_image_plugins_registry_ratelimit_remaining\\{${label},window="registry"\\} ${row.windows.registry.remaining}\\n`));
  assert.match(text, new RegExp(`argocd_image_plugins_registry_requests_total\\{${label},status="429"\\} 1\\n`));
  const wait = Number(new RegExp(`argocd_image_plugins_registry_ratelimit_wait_seconds\\{${label}\\} (\\d+)`).exec(text)?.[1]);
  assert.ok(wait > 3600, `wait_seconds ${wait}`);
  assert.doesNotMatch(text, /acme\/web.*registry_ratelimit|registry_ratelimit[^\n]*acme/, 'no repository in a rate-limit label');
});
