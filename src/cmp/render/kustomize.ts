// kustomize rendering: a `kustomize` binary, or `kubectl kustomize` where only kubectl exists. No
// flag that enables plugins is ever passed (--enable-alpha-plugins, --enable-exec, --enable-helm), so
// exec and function plugins stay disabled: the CMP runs nothing the repository controls.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cmpError } from '../errors.ts';
import { runRenderer, which } from './exec.ts';
import type { RenderContext } from './types.ts';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

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

export async function renderKustomize(ctx: RenderContext): Promise<string> {
  const { file, args } = kustomizeCommand(ctx.env);
  return runRenderer({ what: `${file.endsWith('kubectl') ? 'kubectl kustomize' : 'kustomize build'}`, file, args, cwd: ctx.cwd, timeoutMs: ctx.options.timeoutMs, maxBytes: ctx.options.maxBytes, env: ctx.env });
}
