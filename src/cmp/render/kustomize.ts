// kustomize rendering: a `kustomize` binary, or `kubectl kustomize` where only kubectl exists. No
// flag that enables plugins is ever passed (--enable-alpha-plugins, --enable-exec, --enable-helm), so
// exec and function plugins stay disabled: the CMP runs nothing the repository controls. Nothing is
// fetched either: the kustomization tree is checked first (kustomize-tree.ts), and kustomize runs
// with every git transport disallowed and HTTP(S) proxies that refuse at once, so a remote entry the
// check missed fails instead of reaching the network.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { cmpError } from '../errors.ts';
import { runRenderer, which } from './exec.ts';
import { checkKustomizationTree, KUSTOMIZATION_FILES } from './kustomize-tree.ts';
import { realRepositoryRoot } from './repo.ts';
import type { RenderContext } from './types.ts';

export { KUSTOMIZATION_FILES };

export function isKustomization(dir: string): boolean {
  return KUSTOMIZATION_FILES.some((f) => existsSync(join(dir, f)));
}

/** The command line that builds the kustomization in the working directory. */
export function kustomizeCommand(env: Readonly<Record<string, string | undefined>>): { file: string; args: string[] } {
  const kustomize = which('kustomize', env);
  if (kustomize) return { file: kustomize, args: ['build', '.'] };
  const kubectl = which('kubectl', env);
  if (kubectl) return { file: kubectl, args: ['kustomize', '.'] };
  throw cmpError('CMP_RENDER_FAILED', 'neither kustomize nor kubectl is on the sidecar PATH; install one in the sidecar image');
}

// Port 0 cannot be connected to: a request sent through these proxies fails before leaving the host.
const NOWHERE = 'http://127.0.0.1:0';

/** The renderer's environment: git may use no transport (GIT_ALLOW_PROTOCOL names none), HTTP goes nowhere. */
export function offlineEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env, GIT_ALLOW_PROTOCOL: 'none', GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) out[name] = NOWHERE;
  for (const name of ['NO_PROXY', 'no_proxy']) delete out[name];
  return out;
}

export async function renderKustomize(ctx: RenderContext): Promise<string> {
  checkKustomizationTree(realpathSync(ctx.cwd), realRepositoryRoot(ctx.cwd, ctx.options.sourcePath), () => ctx.deadline.check('checking the kustomization tree'));
  const { file, args } = kustomizeCommand(ctx.env);
  return runRenderer({ what: `${file.endsWith('kubectl') ? 'kubectl kustomize' : 'kustomize build'}`, file, args, cwd: ctx.cwd, timeoutMs: ctx.deadline.remainingMs('starting kustomize'), maxBytes: ctx.options.maxBytes, env: offlineEnv(ctx.env) });
}
