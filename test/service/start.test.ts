// startService in-process against the real registry on loopback (and the loopback Kubernetes API
// peer): readiness means "can answer", problems found at start are logged once and listed in
// /readyz, keep-alive outlives Argo CD's idle connections, and a reload that enables
// clusters.argocd or moves its namespace takes effect without a restart.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { startService, type ServiceHandle } from '../../src/service/start.ts';
import { KEEP_ALIVE_TIMEOUT_MS } from '../../src/server/app.ts';
import { capturingLogger } from '../generator/fixture.ts';
import { clusterSecret, startKubeApi } from '../helpers/kube-api.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'start-test-token-41d9';

interface Setup {
  readonly dir: string;
  readonly reg: TestRegistry;
  readonly configFile: string;
  readonly services: ServiceHandle[];
  write(extra?: Record<string, unknown>): Promise<void>;
}

async function setup(t: TestContext): Promise<Setup> {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const dir = await mkdtemp(join(tmpdir(), 'aip-start-'));
  // After hooks run in the order they were added: close the services started on this setup (they
  // write their cache into dir) before removing it.
  const services: ServiceHandle[] = [];
  t.after(async () => {
    await Promise.all(services.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  const configFile = join(dir, 'config.yaml');
  const write = (extra: Record<string, unknown> = {}): Promise<void> =>
    writeFile(
      configFile,
      stringify({
        server: { tokenFile: join(dir, 'token'), refreshApplicationSets: false },
        polling: { intervalSeconds: 3600 },
        cache: { path: join(dir, 'cache.json') },
        registries: [{ host: reg.host, url: reg.url, insecure: true }],
        watches: [{ name: 'web', image: `${reg.host}/acme/web`, policy: { semver: { range: '^1.0.0' } } }],
        clusters: { static: [{ name: 'edge', server: 'https://edge.example:6443' }] },
        ...extra,
      }),
    );
  await write();
  return { dir, reg, configFile, services, write };
}

async function start(t: TestContext, s: Setup, logs: Record<string, unknown>[] = []): Promise<ServiceHandle> {
  const service = await startService({ configPath: s.configFile, listen: { host: '127.0.0.1', port: 0 }, logger: capturingLogger(logs) });
  s.services.push(service);
  return service;
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(url);
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

async function clusterNames(url: string): Promise<string[]> {
  const res = await request(`${url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ applicationSetName: 'web', input: {} }) });
  const body = (await res.body.json()) as { output?: { parameters: Array<{ name: string }> } };
  return res.statusCode === 200 ? body.output!.parameters.map((p) => p.name) : [`status ${res.statusCode}`];
}

test('a missing token file keeps /readyz at 200 (getparams answers its 503), is logged once with the path and listed in the body', async (t) => {
  const s = await setup(t);
  await rm(join(s.dir, 'token'));
  const logs: Record<string, unknown>[] = [];
  const service = await start(t, s, logs);
  const ready = await until(async () => {
    const r = await get(`${service.url}/readyz`);
    return r.status === 200 ? r : undefined;
  }, { what: 'ready' });
  const problems = ready.body.problems as Array<{ field: string; message: string }>;
  assert.deepEqual(problems.map((p) => p.field), ['server.token']);
  assert.match(problems[0]!.message, new RegExp(`${join(s.dir, 'token')}.*ENOENT`));
  const answer = await request(`${service.url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"applicationSetName":"web","input":{}}' });
  assert.equal(answer.statusCode, 503);
  assert.match(await answer.body.text(), /AUTH_UNAVAILABLE/);
  await get(`${service.url}/readyz`);
  const logged = logs.filter((l) => l.level === 50 && l.field === 'server.token');
  assert.equal(logged.length, 1, 'logged once at error level');
  assert.match(String(logged[0]!.problem), new RegExp(join(s.dir, 'token')));
});

test('a refused config reload keeps /readyz at 200 and names the problem in its body', async (t) => {
  const s = await setup(t);
  const service = await start(t, s);
  await until(async () => ((await get(`${service.url}/readyz`)).status === 200 ? true : undefined), { what: 'ready' });
  await writeFile(s.configFile, 'watches: [ {name: 1} ]\n');
  const refused = await until(async () => {
    const r = await get(`${service.url}/readyz`);
    return r.body.config !== 'loaded' ? r : undefined;
  }, { what: 'refusal' });
  assert.equal(refused.status, 200);
  assert.match(String(refused.body.config), /watches\[0\]/);
  assert.deepEqual(await clusterNames(service.url), ['status 503'], 'getparams answers the documented 503');
});

test('keep-alive outlives the 90 s idle timeout of Argo CD\'s Go client, as the server says on the wire', async (t) => {
  const s = await setup(t);
  const service = await start(t, s);
  assert.ok(KEEP_ALIVE_TIMEOUT_MS > 90_000);
  assert.equal(service.app.server.keepAliveTimeout, KEEP_ALIVE_TIMEOUT_MS);
  const { port } = new URL(service.url);
  const head = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n'));
    let text = '';
    socket.on('data', (c) => {
      text += String(c);
      if (text.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
  assert.match(head, new RegExp(`keep-alive: timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`, 'i'));
});

test('a reload that enables clusters.argocd, then moves its namespace, takes effect without a restart', async (t) => {
  const s = await setup(t);
  const api = await startKubeApi(t);
  api.put('secrets', 'argocd', clusterSecret('c1', { name: 'from-argocd', server: 'https://a.example' }));
  api.put('secrets', 'gitops', clusterSecret('c2', { name: 'from-gitops', server: 'https://g.example' }));
  const kubeconfig = join(s.dir, 'kubeconfig');
  await writeFile(kubeconfig, stringify({ 'current-context': 'peer', contexts: [{ name: 'peer', context: { cluster: 'peer', user: 'peer' } }], clusters: [{ name: 'peer', cluster: { server: api.url } }], users: [{ name: 'peer', user: { token: api.token } }] }));
  const service = await start(t, s);
  await until(async () => ((await clusterNames(service.url)).join() === 'edge' ? true : undefined), { what: 'static answer' });
  await s.write({ clusters: { static: [{ name: 'edge', server: 'https://edge.example:6443' }], argocd: { namespace: 'argocd', kubeconfig } } });
  await until(async () => ((await clusterNames(service.url)).join() === 'edge,from-argocd' ? true : undefined), { what: 'Argo CD clusters' });
  await s.write({ clusters: { static: [{ name: 'edge', server: 'https://edge.example:6443' }], argocd: { namespace: 'gitops', kubeconfig } } });
  await until(async () => ((await clusterNames(service.url)).join() === 'edge,from-gitops' ? true : undefined), { what: 'the new namespace' });
});
