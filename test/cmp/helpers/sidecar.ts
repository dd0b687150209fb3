// Runs the plugin the way argocd-cmp-server does (Argo CD's config-management-plugins.md): the command line
// from plugin.yaml exec'd without a shell, in the application's directory of a fresh repository
// copy whose files are mode 0644, with the sidecar's env plus the request's ARGOCD_APP_*,
// ARGOCD_ENV_* and ARGOCD_APP_PARAMETERS variables.
import type { TestContext } from 'node:test';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { execa } from 'execa';
import { parse } from 'yaml';

const ROOT = new URL('../../../', import.meta.url).pathname;

interface PluginSpec {
  metadata: { name: string };
  spec: { version: string; init: { command: string[] }; generate: { command: string[] }; parameters: { dynamic: { command: string[] } }; discover?: unknown; preserveFileMode: boolean };
}

export function pluginYaml(): PluginSpec {
  return parse(readFileSync(join(ROOT, 'plugin.yaml'), 'utf8')) as PluginSpec;
}

/** A bin directory holding `argocd-image-plugins` (the built CLI), as the sidecar image's PATH does. */
export function sidecarBin(t: TestContext | { after(fn: () => void): void }): string {
  const bin = mkdtempSync(join(tmpdir(), 'cmp-bin-'));
  t.after(() => rmSync(bin, { recursive: true, force: true }));
  symlinkSync(join(ROOT, 'dist/cli.mjs'), join(bin, 'argocd-image-plugins'));
  return bin;
}

/** A repository copy with files at mode 0644; returns the repository root and the app directory. */
export function repository(t: { after(fn: () => void): void }, files: Record<string, string>, appPath = 'apps/web'): { root: string; app: string } {
  const root = mkdtempSync(join(tmpdir(), 'cmp-repo-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, appPath), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const path = join(root, appPath, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    chmodSync(path, 0o644);
  }
  return { root, app: join(root, appPath) };
}

export interface PluginRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export type Phase = 'init' | 'generate' | 'parameters';

/** Exec one plugin.yaml command the way argocd-cmp-server does. */
export async function runPhase(phase: Phase, cwd: string, bin: string, env: Record<string, string>): Promise<PluginRun> {
  const spec = pluginYaml().spec;
  const command = phase === 'parameters' ? spec.parameters.dynamic.command : spec[phase].command;
  const nodeBin = join(ROOT, 'node_modules/.bin');
  const r = await execa(command[0]!, command.slice(1), {
    cwd,
    shell: false,
    reject: false,
    extendEnv: false,
    stripFinalNewline: false,
    env: {
      PATH: `${bin}:${nodeBin}:/usr/local/bin:/usr/bin:/bin`,
      HOME: tmpdir(),
      ARGOCD_APP_NAME: 'web',
      ARGOCD_APP_NAMESPACE: 'prod',
      ARGOCD_APP_PROJECT_NAME: 'default',
      ARGOCD_APP_REVISION: '0123456789abcdef0123456789abcdef01234567',
      ARGOCD_APP_SOURCE_REPO_URL: 'https://git.example/acme/deploy.git',
      ARGOCD_APP_SOURCE_PATH: 'apps/web',
      ARGOCD_APP_SOURCE_TARGET_REVISION: 'main',
      KUBE_VERSION: '1.31.4',
      KUBE_API_VERSIONS: 'v1,apps/v1,apps/v1/Deployment',
      ARGOCD_APP_PARAMETERS: 'null',
      ...env,
    },
  });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * Build dist/ when it is older than the sources, so the spawned CLI is the code under test. `npm test`
 * builds first; this covers running one file alone. The check and the build run under a lock, so
 * test files starting together build once and never swap dist/ under each other.
 */
export function buildCli(): void {
  const script = `
    const { statSync, readdirSync } = require('node:fs');
    const { join } = require('node:path');
    const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
    let built = 0;
    try { built = statSync('dist/cli.mjs').mtimeMs; } catch {}
    const sources = Math.max(newest('src'), statSync('scripts/build.ts').mtimeMs, statSync('package.json').mtimeMs);
    if (built < sources) require('node:child_process').execFileSync(process.execPath, ['scripts/build.ts'], { stdio: 'inherit' });
  `;
  const { status } = spawnSync('flock', [join(ROOT, 'node_modules', '.argocd-image-plugins-build.lock'), process.execPath, '-e', script], { cwd: ROOT, stdio: 'inherit' });
  if (status !== 0) throw new Error('building dist/ failed');
}
