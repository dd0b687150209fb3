// helm rendering: `helm template` with the release name, namespace, values files and values from
// parameters, plus the destination cluster's version and API list as Argo CD passes them (the
// command line itself: helm-args.ts). Values files must be files inside the repository by their
// real path (no absolute paths, no `..` or symlink out of it, no URLs: the CMP fetches nothing the
// repository names). Every symlink in the chart directory must stay inside the repository too:
// helm follows them when it loads the chart, and `.Files.Get` would hand their content to a
// template. `cmp init` builds chart dependencies only when the chart
// declares some that are not already vendored under charts/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cmpError } from '../errors.ts';
import { runRenderer, which } from './exec.ts';
import { checkValuesFileName, helmTemplateArgs } from './helm-args.ts';
import { checkSymlinksInside, realInside, realRepositoryRoot } from './repo.ts';
import type { RenderContext } from './types.ts';

export function isHelmChart(dir: string): boolean {
  return existsSync(join(dir, 'Chart.yaml'));
}

function helmBinary(env: Readonly<Record<string, string | undefined>>): string {
  const helm = which('helm', env);
  if (!helm) throw cmpError('CMP_RENDER_FAILED', 'helm is not on the sidecar PATH; install it in the sidecar image');
  return helm;
}

/** Every values file must be a regular file whose real path is inside the repository. */
export function checkValuesFiles(files: readonly string[], cwd: string, root: string): string[] {
  return files.map((file) => {
    checkValuesFileName(file);
    const what = `values file ${JSON.stringify(file)}`;
    const real = realInside(file, cwd, root, what);
    if (real === undefined) throw cmpError('CMP_ARGUMENT_INVALID', `${what} does not exist in the repository (paths are relative to the application directory)`);
    if (!statSync(real).isFile()) throw cmpError('CMP_ARGUMENT_INVALID', `${what} is not a file`);
    return file;
  });
}

export async function renderHelm(ctx: RenderContext): Promise<string> {
  const root = realRepositoryRoot(ctx.cwd, ctx.options.sourcePath);
  const valuesFiles = checkValuesFiles(ctx.options.helm.valuesFiles, ctx.cwd, root);
  checkSymlinksInside(ctx.cwd, root, 'chart', () => ctx.deadline.check('checking the chart\'s files'));
  return runRenderer({ what: 'helm template', file: helmBinary(ctx.env), args: helmTemplateArgs(ctx.options.helm, valuesFiles), cwd: ctx.cwd, timeoutMs: ctx.deadline.remainingMs('starting helm template'), maxBytes: ctx.options.maxBytes, env: ctx.env });
}

/** Dependencies the chart declares (Chart.yaml `dependencies`, or a Helm 2 requirements.yaml). */
async function declaredDependencies(dir: string): Promise<number> {
  let count = 0;
  for (const file of ['Chart.yaml', 'requirements.yaml']) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const data = parse(readFileSync(path, 'utf8')) as { dependencies?: unknown } | null;
    if (Array.isArray(data?.dependencies)) count += data.dependencies.length;
  }
  return count;
}

/** `cmp init` for a chart: `helm dependency build` when dependencies are declared but not vendored. */
export async function initHelm(ctx: RenderContext): Promise<boolean> {
  const wanted = await declaredDependencies(ctx.cwd);
  if (wanted === 0) return false;
  const chartsDir = join(ctx.cwd, 'charts');
  const vendored = existsSync(chartsDir) ? readdirSync(chartsDir).filter((n) => !n.startsWith('.')).length : 0;
  if (vendored >= wanted) return false;
  await runRenderer({ what: 'helm dependency build', file: helmBinary(ctx.env), args: ['dependency', 'build', '.'], cwd: ctx.cwd, timeoutMs: ctx.deadline.remainingMs('starting helm dependency build'), maxBytes: ctx.options.maxBytes, env: ctx.env });
  return true;
}
