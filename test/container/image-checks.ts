// Checks run against the image scripts/container-build.ts builds (buildah, vfs storage, chroot
// isolation): each runs something inside the image as uid 999 and throws on the first surprise.
// Not a *.test.ts file: it needs root, buildah and minutes, so it runs from that script (CI), not
// from the fast `npm test` loop.
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse, parseAllDocuments } from 'yaml';

/** Where the checks run: repository root, scratch folder, buildah storage flags, a working container. */
export interface ImageContext {
  root: string;
  work: string;
  bud: readonly string[];
  container: string;
}

export function log(line: string): void {
  process.stderr.write(`[container-build] ${line}\n`);
}

export function fail(message: string): never {
  throw new Error(message);
}

/** Runs a command; returns stdout. `stream` shows its output live (long builds) instead of keeping it. */
export async function sh(cmd: string, args: readonly string[], opts: { stream?: boolean; env?: Record<string, string>; input?: string } = {}): Promise<string> {
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Runs plugin.yaml's generate command in a sample app, with the environment argocd-cmp-server gives it. */
export async function checkCmp({ root: ROOT, work, bud, container: c }: ImageContext): Promise<void> {
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
export async function checkServe({ work, bud, container: c }: ImageContext): Promise<void> {
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
export async function checkToolsStage({ root: ROOT, work, bud }: ImageContext): Promise<void> {
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


/** The image's config, the version it prints, and nothing of the build left in it. */
export async function checkImage({ root, bud, container: c }: ImageContext, image: string): Promise<void> {
  const config = (JSON.parse(await sh('buildah', [...bud, 'inspect', '--type', 'image', image])) as { OCIv1: { config: { User?: string; Entrypoint?: string[]; Cmd?: string[] } } }).OCIv1.config;
  if (config.User !== '999:999') fail(`image user is ${JSON.stringify(config.User)}, expected 999:999`);
  if (JSON.stringify(config.Entrypoint) !== '["/usr/local/bin/argocd-image-plugins"]' || JSON.stringify(config.Cmd) !== '["serve"]') {
    fail(`entrypoint/cmd are ${JSON.stringify(config.Entrypoint)} ${JSON.stringify(config.Cmd)}, expected argocd-image-plugins serve`);
  }
  const version = (await sh('buildah', [...bud, 'run', '--isolation', 'chroot', '--user', '999:999', c, '--', '/usr/local/bin/argocd-image-plugins', '--version'])).trim();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  if (version !== pkg.version) fail(`--version printed ${JSON.stringify(version)}, expected ${pkg.version}`);
  // Build-only packages (none is a dependency of a runtime package) and the package managers must be gone.
  const present = (await sh('buildah', [...bud, 'run', '--isolation', 'chroot', c, '--', 'sh', '-c',
    'for p in "$@"; do [ -e "$p" ] && echo "$p"; done; true', 'sh',
    '/app/node_modules/typescript', '/app/node_modules/esbuild', '/app/node_modules/eslint', '/app/node_modules/kubernetes-models',
    '/usr/local/bin/npm', '/usr/local/bin/npx', '/usr/local/lib/node_modules/npm',
    ...Object.keys(pkg.dependencies).map((d) => `/app/node_modules/${d}/package.json`)])).trim().split('\n').filter(Boolean);
  const missing = Object.keys(pkg.dependencies).filter((d) => !present.includes(`/app/node_modules/${d}/package.json`));
  const leftovers = present.filter((p) => !p.endsWith('/package.json'));
  if (missing.length > 0) fail(`runtime dependencies missing from the image: ${missing.join(', ')}`);
  if (leftovers.length > 0) fail(`build-only files left in the image: ${leftovers.join(', ')}`);
  log(`   runs as 999:999, --version ${version}, ${Object.keys(pkg.dependencies).length} runtime dependencies, no dev dependencies, no npm`);
}

/**
 * Files written into the image's own filesystem since `since` (outside /tmp): in Kubernetes the root
 * filesystem is read-only, so anything the CMP or the service wrote there would fail in a pod.
 * Directories are left out: buildah itself creates the mount points of `--volume`.
 */
export async function checkNoWrites({ bud, container: c }: ImageContext, since: string): Promise<void> {
  const rootfs = (await sh('buildah', [...bud, 'mount', c])).trim();
  try {
    const found = (await sh('find', [rootfs, '-xdev', '-newer', since, '!', '-type', 'd', '-print']))
      .split('\n').filter(Boolean).map((p) => p.slice(rootfs.length))
      .filter((p) => !p.startsWith('/tmp/') && !BUILDAH_RUN_FILES.includes(p));
    if (found.length > 0) fail(`written to the (read-only in Kubernetes) root filesystem: ${found.join(', ')}`);
    log('   nothing written outside /tmp and the mounted volumes');
  } finally {
    await sh('buildah', [...bud, 'umount', c]);
  }
}

/** Files `buildah run` itself creates or rewrites in the container for each run. */
const BUILDAH_RUN_FILES = ['/etc/hosts', '/etc/resolv.conf', '/etc/hostname', '/run/.containerenv'];
