// The status page's registries view carries each registry's rate limits: the service (in-process,
// real poller) reads the real registry behind a proxy that meters requests the way Docker Hub does,
// and the state the page polls shows the registry's window, the 429 it answered and that requests
// wait, and until when (the page words it; the browser test checks the column renders).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { startService, type ServiceHandle } from '../../src/service/start.ts';
import type { StateView } from '../../src/ui/types.ts';
import { silentLogger } from '../generator/fixture.ts';
import { startLimitingProxy } from '../helpers/limiting-proxy.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { until } from '../helpers/until.ts';

const VIEWER = 'viewer-token-limits-3b7e';

test('the registries view shows the registry\'s window, its 429s and the wait, as sampled', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z' });
  const hub = await startLimitingProxy({ target: reg.url, limit: 100, windowSeconds: 21_600, spent: 97, refuseFirst: { count: 1, retryAfterSeconds: 1 } });
  t.after(() => hub.stop());
  const dir = await mkdtemp(join(tmpdir(), 'aip-ui-limits-'));
  const started: { service?: ServiceHandle } = {};
  t.after(async () => {
    // the service writes its cache into dir as it closes
    await started.service?.close();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), 'generator-token-limits-1a2b');
  await writeFile(join(dir, 'viewer'), VIEWER);
  await writeFile(join(dir, 'config.yaml'), stringify({
    server: { tokenFile: join(dir, 'token'), viewerTokenFile: join(dir, 'viewer'), refreshApplicationSets: false },
    polling: { intervalSeconds: 3600 },
    cache: { path: join(dir, 'cache.json') },
    registries: [{ host: hub.host, url: hub.url, insecure: true }],
    watches: [{ name: 'web', image: `${hub.host}/acme/web`, policy: { semver: { range: '^1.0.0' } } }],
  }));
  const service = (started.service = await startService({ configPath: join(dir, 'config.yaml'), listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger() }));
  const login = await request(`${service.url}/ui/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: VIEWER }) });
  await login.body.dump();
  assert.equal(login.statusCode, 204);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const registry = await until(async () => {
    const res = await request(`${service.url}/ui/api/state`, { headers: { cookie } });
    const r = ((await res.body.json()) as StateView).registries.find((x) => x.host === hub.host);
    return r?.limits?.waiting.state === 'waiting' ? r : undefined;
  }, { what: 'the sampled state shows requests waiting for the spent window', deadlineMs: 60_000 });
  const limits = registry.limits!;
  assert.deepEqual(limits.windows.map((w) => [w.window, w.limit, w.windowSeconds]), [['registry', 100, 21_600]]);
  assert.ok(limits.windows[0]!.remaining <= 1, `remaining ${limits.windows[0]!.remaining}`);
  assert.equal(limits.refused, 1);
  assert.ok(Date.parse(limits.waiting.until ?? '') > Date.now() + 3600_000, `until ${limits.waiting.until}`);
});
