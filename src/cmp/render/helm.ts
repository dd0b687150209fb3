// helm rendering: `helm template` with the release name, namespace, values files and values from
// parameters, plus the destination cluster's version and API list as Argo CD passes them. Values
// files must stay inside the repository (no absolute paths, no `..` out of it, no URLs: the CMP
// fetches nothing the repository names). `cmp init` builds chart dependencies only when the chart
// declares some that are not already vendored under charts/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { cmpError } from '../errors.ts';
import type { HelmOptions } from '../options.ts';
import { runRenderer, which } from './exec.ts';
import type { RenderContext } from './types.ts';

export function isHelmChart(dir: string): boolean {
  return existsSync(join(dir, 'Chart.yaml'));
}

function helmBinary(env: Readonly<Record<string, string | undefined>>): string {
  const helm = which('helm', env);
  if (!helm) throw cmpError('CMP_RENDER_FAILED', 'helm is not on the sidecar PATH; install it in the sidecar image');
  return helm;
}

/** The repository root: the working directory minus `spec.source.path`. */
export function repositoryRoot(cwd: string, sourcePath: string | undefined): string {
  if (!sourcePath || sourcePath === '.' || sourcePath === '/') return cwd;
  const depth = sourcePath.split('/').filter((s) => s !== '' && s !== '.').length;
  return resolve(cwd, ...Array<string>(depth).fill('..'));
}

/** Check a values file name; throws CMP_OPTIONS_INVALID for anything reaching outside the repository. */
export function checkValuesFile(file: string, cwd: string, root: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) throw cmpError('CMP_OPTIONS_INVALID', `values file "${file}" is a URL; the plugin reads values files from the repository only`);
  if (isAbsolute(file)) throw cmpError('CMP_OPTIONS_INVALID', `values file "${file}" is an absolute path; give a path relative to the application directory`);
  const rel = relative(root, resolve(cwd, file));
  if (rel === '..' || rel.startsWith(`..${sep}`)) throw cmpError('CMP_OPTIONS_INVALID', `values file "${file}" is outside the repository`);
  return file;
}

/** Escape unescaped commas, which `--set` would otherwise read as separators (as Argo CD does). */
function setValue(value: string): string {
  return value.replace(/(^|[^\\]),/g, '$1\\,');
}

/** The `helm template` argument list (pure). */
export function helmTemplateArgs(helm: HelmOptions, valuesFiles: readonly string[]): string[] {
  const args = ['template', helm.releaseName, '.', '--include-crds'];
  if (helm.namespace) args.push('--namespace', helm.namespace);
  if (helm.kubeVersion) args.push('--kube-version', helm.kubeVersion);
  for (const api of helm.apiVersions) args.push('--api-versions', api);
  for (const file of valuesFiles) args.push('--values', file);
  for (const [key, value] of Object.entries(helm.parameters)) {
    if (key === '' || key.includes('=')) throw cmpError('CMP_OPTIONS_INVALID', `helm parameter "${key}" is not a value path`);
    args.push('--set', `${key}=${setValue(value)}`);
  }
  return args;
}

export async function renderHelm(ctx: RenderContext): Promise<string> {
  const root = repositoryRoot(ctx.cwd, ctx.options.sourcePath);
  const valuesFiles = ctx.options.helm.valuesFiles.map((f) => checkValuesFile(f, ctx.cwd, root));
  return runRenderer({ what: 'helm template', file: helmBinary(ctx.env), args: helmTemplateArgs(ctx.options.helm, valuesFiles), cwd: ctx.cwd, timeoutMs: ctx.options.timeoutMs, maxBytes: ctx.options.maxBytes, env: ctx.env });
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
  await runRenderer({ what: 'helm dependency build', file: helmBinary(ctx.env), args: ['dependency', 'build', '.'], cwd: ctx.cwd, timeoutMs: ctx.options.timeoutMs, maxBytes: ctx.options.maxBytes, env: ctx.env });
  return true;
}
