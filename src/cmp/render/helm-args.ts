// The `helm template` command line, built only from values checked against their grammar and placed
// so that none can be read as a flag: every option is one `--name=value` word (pflag takes all
// text after the first `=` as the value, even text starting with `-`), and the two positional
// arguments, release name and chart, come after `--`, which ends flag parsing for pflag and cobra
// (helm's command-line libraries). A release name such as `--post-renderer=…` is refused before
// helm runs, and would be a plain word after `--` even if it were not. Pure.
import { isAbsolute } from 'node:path';
import { cmpError } from '../errors.ts';
import type { HelmOptions } from '../options.ts';

function refuse(message: string): never {
  throw cmpError('CMP_ARGUMENT_INVALID', message);
}

// Kubernetes' DNS-1123 label (RFC 1123): lowercase letters, digits and '-', alphanumeric at both ends.
const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
/** helm refuses longer release names (its name is used in resource names with suffixes). */
export const MAX_RELEASE_NAME = 53;
const MAX_LABEL = 63;
// `1.31.4`, `v1.31.4`, `1.29.4+k3s1`, `1.30.0-eks-036c24b`: what Argo CD passes as KUBE_VERSION.
const KUBE_VERSION = /^v?[0-9]{1,4}\.[0-9]{1,4}(?:\.[0-9]{1,4})?(?:[-+][0-9A-Za-z.+-]{1,64})?$/;
// `v1`, `apps/v1`, `apps/v1/Deployment`: group/version[/Kind] as in KUBE_API_VERSIONS.
const API_VERSION = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}(?:\/[A-Za-z0-9][A-Za-z0-9.-]{0,252}){0,2}$/;
// A `--set` value path: keys separated by `.`, list indices `[0]`, `\.` for a dot inside a key,
// `/` as in annotation names. No `,` or `=` (separators in --set) and never a leading '-'.
const VALUE_PATH = /^[A-Za-z0-9_$](?:[A-Za-z0-9_$./-]|\\\.|\[[0-9]{1,9}\])*$/;
const MAX_VALUE_PATH = 1024;

export function checkReleaseName(name: string, from: string): string {
  if (name.length > MAX_RELEASE_NAME || !DNS1123_LABEL.test(name)) {
    refuse(`${from}="${name.slice(0, 80)}" is not a helm release name: use a DNS-1123 label of at most ${MAX_RELEASE_NAME} characters (lowercase letters, digits and '-', starting and ending with a letter or digit); set the plugin env HELM_RELEASE_NAME`);
  }
  return name;
}

export function checkNamespace(namespace: string, from: string): string {
  if (namespace.length > MAX_LABEL || !DNS1123_LABEL.test(namespace)) {
    refuse(`${from}="${namespace.slice(0, 80)}" is not a namespace: use a DNS-1123 label of at most ${MAX_LABEL} characters`);
  }
  return namespace;
}

/** A values file as written: a relative path, no URL, no NUL, not naming a directory. */
export function checkValuesFileName(file: string): string {
  const shown = JSON.stringify(file.slice(0, 200));
  if (file === '' || file.length > 4096 || file.includes('\0')) refuse(`values file ${shown} is not a file name`);
  // helm's --values is a comma-separated list (pflag StringSlice, read as CSV): a comma or a quote
  // would make one checked name into other, unchecked ones.
  if (/[,"\r\n]/.test(file)) refuse(`values file ${shown} has a comma, quote or line break, which helm would read as a list of other files`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(file)) refuse(`values file ${shown} is a URL; the plugin reads values files from the repository only`);
  if (isAbsolute(file)) refuse(`values file ${shown} is an absolute path; give a path relative to the application directory`);
  return file;
}

/** Escape unescaped commas, which `--set` would otherwise read as separators (as Argo CD does). */
function setValue(value: string): string {
  return value.replace(/(?<!\\),/g, '\\,');
}

function checkValuePath(key: string): string {
  if (key.length > MAX_VALUE_PATH || !VALUE_PATH.test(key)) {
    refuse(`helm parameter "${key.slice(0, 80)}" is not a value path such as image.tag, env[0].name or podAnnotations.prometheus\\.io/scrape`);
  }
  return key;
}

/** The `helm template` argument list; throws CMP_ARGUMENT_INVALID for any value outside its grammar. */
export function helmTemplateArgs(helm: HelmOptions, valuesFiles: readonly string[]): string[] {
  const release = checkReleaseName(helm.releaseName, helm.releaseNameFrom);
  const args = ['template', '--include-crds'];
  if (helm.namespace) args.push(`--namespace=${checkNamespace(helm.namespace, helm.namespaceFrom)}`);
  if (helm.kubeVersion) {
    if (!KUBE_VERSION.test(helm.kubeVersion)) refuse(`KUBE_VERSION="${helm.kubeVersion.slice(0, 80)}" is not a Kubernetes version such as 1.31.4`);
    args.push(`--kube-version=${helm.kubeVersion}`);
  }
  for (const api of helm.apiVersions) {
    if (!API_VERSION.test(api)) refuse(`KUBE_API_VERSIONS entry "${api.slice(0, 80)}" is not an API version such as apps/v1`);
    args.push(`--api-versions=${api}`);
  }
  for (const file of valuesFiles) args.push(`--values=${checkValuesFileName(file)}`);
  for (const [key, value] of Object.entries(helm.parameters)) {
    if (value.includes('\0')) refuse(`helm parameter "${key.slice(0, 80)}" has a NUL character in its value`);
    args.push(`--set=${checkValuePath(key)}=${setValue(value)}`);
  }
  args.push('--', release, '.');
  return args;
}
