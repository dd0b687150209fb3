// `npm run demo`: the whole product on this machine, the path an Argo CD user follows:
//  1. a real registry (Debian's CNCF Distribution) on 127.0.0.1, seeded with sample images over
//     the push protocol, sending push notifications to the service;
//  2. `argocd-image-plugins serve` against it, with two static clusters (prod, staging);
//  3. the ApplicationSet (examples/applicationsets/channels-gotemplate.yaml) and the parameter sets
//     the service answers to its plugin generator, asked the way Argo CD asks;
//  4. the Application Argo CD generates from the prod cluster's parameter set (goTemplate rendered);
//  5. the manifests the repo-server renders for it: `cmp generate` with that Application's plugin
//     env, on a plain YAML directory;
//  6. a newer tag pushed: the registry's webhook brings it into the parameter sets, the Application
//     changes, and so does the render;
//  7. the supply-chain gate: a newer, unsigned tag is refused while the signed one stays served
//     (scripts/demo/signatures.ts);
//  8. progressive delivery: staging moves, prod waits for staging's Application to be healthy,
//     then moves wave by wave (scripts/demo/promotion.ts).
// `npm run demo -- --ha` shows two replicas failing over instead (scripts/demo/ha.ts).
// Plain text when stdout is not a terminal. Ctrl-C at any point stops everything and removes the
// temporary files.
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { execa, type ResultPromise } from 'execa';
import { request } from 'undici';
import { ensureTools, prerequisitesFor } from './ensure-tools.ts';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.ts';
import { pushImage, pushIndex } from '../test/helpers/images.ts';
import { parse, stringify } from 'yaml';
import { applicationFor, pluginEnv, pluginParameters, type ApplicationDoc, type ApplicationSetDoc } from './demo/application.ts';
import { block, line, say } from './demo/output.ts';
import { haDemo } from './demo/ha.ts';
import { seedSigned, showRefusal } from './demo/signatures.ts';
import { promotionDemo } from './demo/promotion.ts';

const CLI = new URL('../dist/cli.mjs', import.meta.url).pathname;
const TOKEN = 'demo-token-not-secret';
const WEBHOOK_SECRET = 'demo-webhook-secret';
const cleanups: Array<() => Promise<unknown>> = [];
let stopping = false;

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

/** The body the plugin generator posts for an ApplicationSet (applicationset/services/plugin). */
function requestBody(appSet: ApplicationSetDoc): string {
  return `${JSON.stringify({ applicationSetName: appSet.metadata.name, input: { parameters: pluginParameters(appSet) } })}\n`;
}

async function getParams(url: string, appSet: ApplicationSetDoc): Promise<ParamSet[]> {
  const res = await request(`${url}/api/v1/getparams.execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'user-agent': 'argocd-applicationset' },
    body: requestBody(appSet),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`getparams answered ${res.statusCode}: ${text}`);
  return (JSON.parse(text) as { output: { parameters: ParamSet[] } }).output.parameters;
}

/** How long the service may take to become ready: generous, since a busy machine starts it slowly. */
const READY_DEADLINE_MS = 120_000;
/** How long a pushed tag may take to reach the parameter sets; it normally takes well under a second. */
const PUSH_DEADLINE_MS = 60_000;
/** How much of the service's log the demo keeps, to show when a step fails. */
const SERVICE_LOG_LIMIT = 64 * 1024;

async function startService(dir: string, port: number): Promise<{ url: string; child: ResultPromise; log: () => string }> {
  const child = execa(process.execPath, [CLI, 'serve', '--config', join(dir, 'config.yaml')], { reject: false, env: { LOG_LEVEL: 'info' }, stdout: ['pipe'], stderr: 'inherit' });
  let serviceLog = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    serviceLog = (serviceLog + chunk.toString('utf8')).slice(-SERVICE_LOG_LIMIT);
  });
  const log = (): string => serviceLog;
  cleanups.push(async () => {
    child.kill('SIGTERM');
    await child;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + READY_DEADLINE_MS;
  while (performance.now() < deadline && !stopping) {
    const res = await request(`${url}/readyz`).catch(() => undefined);
    if (res) {
      await res.body.dump();
      if (res.statusCode === 200) return { url, child, log };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the service did not become ready within ${READY_DEADLINE_MS / 1000} s; its log:\n${tail(log())}`);
}

/** The last lines of a log, for an error message. */
function tail(text: string, lines = 30): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** The registry's log lines about delivering notifications (retries, failures). */
function notificationLines(text: string): string {
  return text.split('\n').filter((l) => /notif|webhook|retrying|sink/i.test(l)).join('\n');
}

function table(sets: readonly ParamSet[]): void {
  for (const s of sets) line(`${s.name.padEnd(10)} environment=${(s.metadata?.labels?.environment ?? '-').padEnd(8)} web=${s.images.web?.tag.padEnd(11)} api=${s.images.api?.tag}`);
}

/** What the repo-server runs for the Application: plugin.yaml's generate command, with its env. */
async function render(appDir: string, app: ApplicationDoc): Promise<string> {
  const source = app.spec.source as { path?: string } | undefined;
  const destination = app.spec.destination as { namespace?: string } | undefined;
  const r = await execa(process.execPath, [CLI, 'cmp', 'generate'], {
    cwd: appDir,
    reject: false,
    // The CMP keeps V8's compiled code in TMPDIR (docs/performance.md); here in the demo's own folder, removed with it.
    env: { NODE_COMPILE_CACHE: join(dirname(appDir), 'compile-cache'), ARGOCD_APP_NAME: app.metadata.name, ARGOCD_APP_NAMESPACE: destination?.namespace ?? '', ARGOCD_APP_SOURCE_PATH: source?.path ?? '', ARGOCD_ENV_IMAGE_OVERRIDES: pluginEnv(app, 'IMAGE_OVERRIDES'), ARGOCD_APP_PARAMETERS: 'null' },
  });
  if (r.exitCode !== 0) throw new Error(`cmp generate failed: ${r.stderr}`);
  // stderr carries one structured summary line (Argo CD shows stderr only on failure).
  const summary = JSON.parse(String(r.stderr).trim().split('\n').at(-1) ?? '{}') as { renderer?: string; changes?: Array<{ from: string; to: string }> };
  line(`renderer ${summary.renderer}; rewritten:`);
  for (const c of summary.changes ?? []) line(`  ${c.from}\n      → ${c.to}`);
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

function prepare(): void {
  say('1. Tools: the Debian registry, htpasswd and openssl (installed with apt-get when missing)');
  ensureTools(line, prerequisitesFor('docker-registry', 'htpasswd', 'openssl'));
  const built = spawnSync(process.execPath, ['scripts/build.ts'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');
}

async function mainHa(): Promise<void> {
  prepare();
  await haDemo((fn) => cleanups.push(fn));
  say('Done: stopping the replicas, the API peer and the registry');
}

async function main(): Promise<void> {
  prepare();

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
    line(`pushed ${reg.host}/demo/web:${tag}  ${pushed.digest.slice(0, 19)}…`);
  }
  for (const tag of ['2.3.0', '2.4.0']) {
    const pushed = await pushIndex(reg, 'demo/api', tag, { created: '2026-01-05T00:00:00Z', platforms: [{ architecture: 'amd64' }, { architecture: 'arm64', variant: 'v8' }], label: `api-${tag}` });
    line(`pushed ${reg.host}/demo/api:${tag}  ${pushed.digest.slice(0, 19)}… (linux/amd64 + linux/arm64)`);
  }
  const signedWatch = await seedSigned(reg, dir);

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
${signedWatch}clusters:
  environmentLabel: environment
  static:
    - { name: prod-eu, server: "https://prod-eu.example:6443", labels: { environment: prod } }
    - { name: staging, server: "https://staging.example:6443", labels: { environment: staging } }
`;
  await writeFile(join(dir, 'config.yaml'), config);
  block(config);
  const service = await startService(dir, port);
  line(`ready at ${service.url}`);

  const appSetFile = new URL('../examples/applicationsets/channels-gotemplate.yaml', import.meta.url);
  const appSetText = await readFile(appSetFile, 'utf8');
  const appSet = parse(appSetText) as ApplicationSetDoc;
  say(`4. The ApplicationSet (examples/applicationsets/channels-gotemplate.yaml): a plugin generator asking for web and api on prod and staging clusters`);
  block(appSetText);

  say('5. Its plugin generator calls POST /api/v1/getparams.execute; the answer: one parameter set per cluster');
  line(`request body: ${requestBody(appSet).trim()}`);
  const before = await getParams(service.url, appSet);
  table(before);
  const prod = before.find((s) => s.name === 'prod-eu');
  if (!prod) throw new Error('no prod-eu parameter set');
  line('the prod-eu parameter set, as the template sees it:');
  block(JSON.stringify(prod, null, 2));

  say('6. The Application Argo CD generates from the prod-eu parameter set (the template, goTemplate rendered)');
  const application = applicationFor(appSet, prod as unknown as Record<string, unknown>);
  block(stringify(application));
  line('(the controller also sets an ownerReference to the ApplicationSet)');

  say(`7. What the repo-server renders for ${application.metadata.name}: plugin.yaml runs \`cmp generate\` with the Application's plugin env (a plain YAML directory stands in for its source path); only image values change, comments and quoting stay`);
  const app = await writeApp(dir, reg.host);
  const first = await render(app, application);
  block(first);

  say('8. Push demo/web:1.3.0: the registry notifies the service, which re-scans that repository only');
  const t0 = performance.now();
  await pushImage(reg, 'demo/web', '1.3.0', { created: '2026-01-10T00:00:00Z', label: 'web-1.3.0' });
  const pushedAt = performance.now();
  let after: ParamSet[] = before;
  while (!stopping && performance.now() - pushedAt < PUSH_DEADLINE_MS) {
    after = await getParams(service.url, appSet);
    if (after.find((s) => s.name === 'prod-eu')?.images.web?.tag === '1.3.0') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const newProd = after.find((s) => s.name === 'prod-eu');
  if (newProd?.images.web?.tag !== '1.3.0') {
    throw new Error(`the new tag did not arrive within ${PUSH_DEADLINE_MS / 1000} s.\nThe registry's notification log:\n${tail(notificationLines(reg.log()))}\nThe service's log:\n${tail(service.log())}`);
  }
  line(`the new tag is in the parameter sets ${(performance.now() - pushedAt).toFixed(0)} ms after the push finished (push took ${(pushedAt - t0).toFixed(0)} ms)`);
  table(after);
  const newApplication = applicationFor(appSet, newProd as unknown as Record<string, unknown>);
  const diff = (a: string, b: string): string[] => b.split('\n').filter((l, i) => l !== a.split('\n')[i]);
  line(`the Application's spec changes (imagesRevision ${prod.imagesRevision} → ${newProd.imagesRevision}), so Argo CD renders it again; its changed lines:`);
  block(diff(stringify(application), stringify(newApplication)).join('\n'));
  const second = await render(app, newApplication);
  line('lines that changed in the render:');
  block(diff(first, second).join('\n'));

  say('9. Signed images only: the watch "signed" verifies cosign signatures; push demo/signed:1.5.0 without one');
  await showRefusal(reg, service.url, TOKEN, () => stopping);

  say('10. Progressive delivery: prod follows staging (soak 2 s) and rolls out in two waves (pause 2 s); Argo CD\'s Applications are the gate');
  await promotionDemo(reg, (fn) => cleanups.push(fn));

  say('Done: stopping the service and the registry');
}

try {
  await (process.argv.includes('--ha') ? mainHa() : main());
  await cleanup();
} catch (err) {
  if (!stopping) {
    process.stderr.write(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    await cleanup();
    process.exitCode = 1;
  }
}
