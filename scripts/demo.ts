// `npm run demo`: the whole product on this machine, on an embedded default.
//  1. a real registry (Debian's CNCF Distribution) on 127.0.0.1, seeded with sample images over
//     the push protocol, sending push notifications to the service;
//  2. `argocd-image-plugins serve` against it, with two static clusters (prod, staging);
//  3. the parameter sets an ApplicationSet would receive, asked the way Argo CD asks;
//  4. a sample kustomize app rendered through `cmp generate` with the prod cluster's overrides;
//  5. a newer tag pushed: the registry's webhook brings it into the parameter sets, and the
//     render changes.
// Ctrl-C at any point stops everything and removes the temporary files.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { execa, type ResultPromise } from 'execa';
import { request } from 'undici';
import { ensureTools, prerequisitesFor } from './ensure-tools.ts';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.ts';
import { pushImage, pushIndex } from '../test/helpers/images.ts';

const CLI = new URL('../dist/cli.mjs', import.meta.url).pathname;
const TOKEN = 'demo-token-not-secret';
const WEBHOOK_SECRET = 'demo-webhook-secret';
const cleanups: Array<() => Promise<unknown>> = [];
let stopping = false;

function say(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

async function cleanup(): Promise<void> {
  for (const fn of cleanups.reverse()) await fn().catch((e: unknown) => process.stderr.write(`cleanup: ${String(e)}\n`));
  cleanups.length = 0;
}

// `on`, not `once`: execa's exit hook re-raises the signal when it sees no other listener left.
process.on('SIGINT', () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping…\n');
  void cleanup().then(() => process.exit(130));
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface ParamSet {
  name: string;
  metadata?: { labels?: Record<string, string> };
  images: Record<string, { tag: string; digest: string; ref: string }>;
  imageOverrides: string;
  imagesRevision: string;
}

async function getParams(url: string): Promise<ParamSet[]> {
  const res = await request(`${url}/api/v1/getparams.execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'user-agent': 'argocd-applicationset' },
    body: `${JSON.stringify({ applicationSetName: 'demo', input: { parameters: { images: ['web', 'api'] } } })}\n`,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`getparams answered ${res.statusCode}: ${text}`);
  return (JSON.parse(text) as { output: { parameters: ParamSet[] } }).output.parameters;
}

async function startService(dir: string, port: number): Promise<{ url: string; child: ResultPromise }> {
  const child = execa(process.execPath, [CLI, 'serve', '--config', join(dir, 'config.yaml')], { reject: false, env: { LOG_LEVEL: 'info' }, stdout: ['pipe'], stderr: 'inherit' });
  cleanups.push(async () => {
    child.kill('SIGTERM');
    await child;
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200 && !stopping; i++) {
    const res = await request(`${url}/readyz`).catch(() => undefined);
    if (res) {
      await res.body.dump();
      if (res.statusCode === 200) return { url, child };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the service did not become ready');
}

function table(sets: readonly ParamSet[]): string {
  return sets.map((s) => `  ${s.name.padEnd(10)} environment=${(s.metadata?.labels?.environment ?? '-').padEnd(8)} web=${s.images.web?.tag.padEnd(11)} api=${s.images.api?.tag}`).join('\n');
}

async function render(appDir: string, overrides: string): Promise<string> {
  const r = await execa(process.execPath, [CLI, 'cmp', 'generate'], {
    cwd: appDir,
    reject: false,
    env: { ARGOCD_APP_NAME: 'demo-prod', ARGOCD_APP_NAMESPACE: 'demo', ARGOCD_APP_SOURCE_PATH: 'apps/demo', ARGOCD_ENV_IMAGE_OVERRIDES: overrides, ARGOCD_APP_PARAMETERS: 'null' },
  });
  if (r.exitCode !== 0) throw new Error(`cmp generate failed: ${r.stderr}`);
  // stderr carries one structured summary line (Argo CD shows stderr only on failure).
  const summary = JSON.parse(String(r.stderr).trim().split('\n').at(-1) ?? '{}') as { renderer?: string; changes?: Array<{ from: string; to: string }> };
  process.stdout.write(`  renderer ${summary.renderer}; rewritten:\n${(summary.changes ?? []).map((c) => `    ${c.from}\n      → ${c.to}`).join('\n')}\n`);
  return String(r.stdout);
}

async function writeApp(dir: string, host: string): Promise<string> {
  const app = join(dir, 'app');
  await mkdir(app, { recursive: true });
  await writeFile(
    join(app, 'deployment.yaml'),
    `# The app as it sits in Git: the image tags here are placeholders the plugin replaces.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      initContainers:
        - name: migrate
          image: "${host}/demo/api:0.0.0"   # rewritten too
      containers:
        - name: web
          image: ${host}/demo/web:0.0.0
          ports: [{ containerPort: 8080 }]
        - name: sidecar
          image: docker.io/library/busybox:1.36   # not watched: left alone
`,
  );
  return app;
}

async function main(): Promise<void> {
  say('1. Tools: the Debian registry, htpasswd and openssl (installed with apt-get when missing)');
  ensureTools((line) => process.stdout.write(`  ${line}\n`), prerequisitesFor('docker-registry', 'htpasswd', 'openssl'));
  const built = spawnSync(process.execPath, ['scripts/build.ts'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');

  const dir = await mkdtemp(join(tmpdir(), 'argocd-image-plugins-demo-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  // However the process ends, leave no temporary files behind.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  say(`2. A real OCI registry on 127.0.0.1 (CNCF Distribution), notifying http://127.0.0.1:${port}/api/v1/webhooks/distribution`);
  const reg: TestRegistry = await startRegistry({ notifications: { url: `http://127.0.0.1:${port}/api/v1/webhooks/distribution`, headers: { Authorization: [`Bearer ${WEBHOOK_SECRET}`] } } });
  cleanups.push(() => reg.stop());
  for (const [tag, day] of [['1.0.0', 1], ['1.1.0', 2], ['1.2.0-rc.1', 3]] as const) {
    const pushed = await pushImage(reg, 'demo/web', tag, { created: `2026-01-0${day}T00:00:00Z`, label: `web-${tag}` });
    process.stdout.write(`  pushed ${reg.host}/demo/web:${tag}  ${pushed.digest.slice(0, 19)}…\n`);
  }
  for (const tag of ['2.3.0', '2.4.0']) {
    const pushed = await pushIndex(reg, 'demo/api', tag, { created: '2026-01-05T00:00:00Z', platforms: [{ architecture: 'amd64' }, { architecture: 'arm64', variant: 'v8' }], label: `api-${tag}` });
    process.stdout.write(`  pushed ${reg.host}/demo/api:${tag}  ${pushed.digest.slice(0, 19)}… (linux/amd64 + linux/arm64)\n`);
  }

  say('3. argocd-image-plugins serve, with two clusters: prod follows releases, staging also takes release candidates');
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  await writeFile(join(dir, 'webhook-secret'), `${WEBHOOK_SECRET}\n`);
  const config = `server:
  listen: 127.0.0.1:${port}
  tokenFile: ${join(dir, 'token')}
  webhooks: { secretFile: ${join(dir, 'webhook-secret')} }
  refreshApplicationSets: false      # no Kubernetes API here
polling: { intervalSeconds: 300 }
cache: { path: ${join(dir, 'cache.json')} }
registries:
  - { host: "${reg.host}", insecure: true, requestsPerSecond: 100 }
watches:
  - name: web
    image: ${reg.host}/demo/web
    policy: { semver: { range: "^1.0.0" } }
    environments:
      staging: { policy: { semver: { range: "^1.0.0-0" } } }
  - name: api
    image: ${reg.host}/demo/api
    policy: { semver: { range: ">=2.0.0" } }
    platforms: [linux/amd64, linux/arm64]
clusters:
  environmentLabel: environment
  static:
    - { name: prod-eu, server: "https://prod-eu.example:6443", labels: { environment: prod } }
    - { name: staging, server: "https://staging.example:6443", labels: { environment: staging } }
`;
  await writeFile(join(dir, 'config.yaml'), config);
  process.stdout.write(config.replace(/^/gm, '  | '));
  const service = await startService(dir, port);
  process.stdout.write(`  ready at ${service.url}\n`);

  say('4. POST /api/v1/getparams.execute, as the ApplicationSet controller sends it');
  const before = await getParams(service.url);
  process.stdout.write(`${table(before)}\n`);
  const prod = before.find((s) => s.name === 'prod-eu');
  if (!prod) throw new Error('no prod-eu parameter set');
  process.stdout.write(`  prod-eu imageOverrides (copied by the template into plugin.env IMAGE_OVERRIDES):\n  ${prod.imageOverrides}\n`);

  say('5. The app (a plain YAML directory) rendered through `cmp generate` with prod-eu\'s overrides: only image values change, comments and quoting stay');
  const app = await writeApp(dir, reg.host);
  const first = await render(app, prod.imageOverrides);
  process.stdout.write(first.replace(/^/gm, '  | '));

  say('6. Push demo/web:1.3.0: the registry notifies the service, which re-scans that repository only');
  const t0 = performance.now();
  await pushImage(reg, 'demo/web', '1.3.0', { created: '2026-01-10T00:00:00Z', label: 'web-1.3.0' });
  const pushedAt = performance.now();
  let after: ParamSet[] = before;
  while (!stopping && performance.now() - pushedAt < 15_000) {
    after = await getParams(service.url);
    if (after.find((s) => s.name === 'prod-eu')?.images.web?.tag === '1.3.0') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const newProd = after.find((s) => s.name === 'prod-eu');
  if (newProd?.images.web?.tag !== '1.3.0') throw new Error('the new tag did not arrive');
  process.stdout.write(`  the new tag is in the parameter sets ${(performance.now() - pushedAt).toFixed(0)} ms after the push finished (push took ${(pushedAt - t0).toFixed(0)} ms)\n`);
  process.stdout.write(`${table(after)}\n`);
  process.stdout.write(`  imagesRevision ${prod.imagesRevision} → ${newProd.imagesRevision}: the Application spec changes, so Argo CD re-renders\n`);
  const second = await render(app, newProd.imageOverrides);
  const changed = second.split('\n').filter((line, i) => line !== first.split('\n')[i]);
  process.stdout.write(`  lines that changed in the render:\n${changed.map((l) => `  | ${l}`).join('\n')}\n`);

  say('Done: stopping the service and the registry');
}

try {
  await main();
  await cleanup();
} catch (err) {
  if (!stopping) {
    process.stderr.write(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    await cleanup();
    process.exitCode = 1;
  }
}
