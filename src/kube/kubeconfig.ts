// Reading kubeconfig files the way kubectl does (client-go's clientcmd loader; the rules are in
// https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/):
// - KUBECONFIG lists files separated by ':'; empty entries and repeats are dropped, a listed file that
//   does not exist is skipped (a file named explicitly must exist);
// - for clusters, users and contexts the first file to define a name wins, later definitions of that
//   name are ignored; current-context comes from the first file that sets it;
// - a relative certificate-authority, client-certificate, client-key or tokenFile is resolved against
//   the directory of the file that holds it, before merging.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { kubeError } from './errors.ts';

export type KubeconfigEntry = Record<string, unknown>;

export interface Kubeconfig {
  readonly currentContext?: string;
  readonly clusters: ReadonlyMap<string, KubeconfigEntry>;
  readonly users: ReadonlyMap<string, KubeconfigEntry>;
  readonly contexts: ReadonlyMap<string, KubeconfigEntry>;
}

type Section = 'clusters' | 'users' | 'contexts';
const FIELD: Readonly<Record<Section, string>> = { clusters: 'cluster', users: 'user', contexts: 'context' };
const FILE_FIELDS: Readonly<Record<Section, readonly string[]>> = {
  clusters: ['certificate-authority'],
  users: ['client-certificate', 'client-key', 'tokenFile'],
  contexts: [],
};

/** The files a KUBECONFIG value names, in order, without empty entries or repeats. */
export function kubeconfigPaths(value: string): string[] {
  return [...new Set(value.split(':').filter((entry) => entry !== ''))];
}

/** One file's entries of a section, their file references made absolute against `dir`. */
function entries(doc: Record<string, unknown>, section: Section, dir: string): [string, KubeconfigEntry][] {
  const list = Array.isArray(doc[section]) ? (doc[section] as unknown[]) : [];
  const out: [string, KubeconfigEntry][] = [];
  for (const named of list) {
    if (typeof named !== 'object' || named === null) continue;
    const { name, [FIELD[section]]: body } = named as Record<string, unknown>;
    if (typeof name !== 'string' || typeof body !== 'object' || body === null) continue;
    const entry = { ...(body as KubeconfigEntry) };
    for (const field of FILE_FIELDS[section]) {
      const value = entry[field];
      if (typeof value === 'string' && value !== '' && !isAbsolute(value)) entry[field] = resolve(dir, value);
    }
    out.push([name, entry]);
  }
  return out;
}

/** Merges parsed files, first definition of a name winning (kubectl's rule). Pure. */
export function mergeKubeconfigs(files: readonly { readonly doc: Record<string, unknown>; readonly dir: string }[]): Kubeconfig {
  const merged = { clusters: new Map<string, KubeconfigEntry>(), users: new Map<string, KubeconfigEntry>(), contexts: new Map<string, KubeconfigEntry>() };
  let currentContext: string | undefined;
  for (const { doc, dir } of files) {
    const current = doc['current-context'];
    if (currentContext === undefined && typeof current === 'string' && current !== '') currentContext = current;
    for (const section of ['clusters', 'users', 'contexts'] as const) {
      for (const [name, entry] of entries(doc, section, dir)) if (!merged[section].has(name)) merged[section].set(name, entry);
    }
  }
  return { ...merged, ...(currentContext !== undefined && { currentContext }) };
}

/** The parsed file, or undefined when `optional` and it does not exist. */
function readOne(path: string, optional: boolean): { doc: Record<string, unknown>; dir: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    throw kubeError('KUBE_CONFIG_INVALID', `cannot read kubeconfig ${path}: ${code ?? 'error'}`, { cause });
  }
  const doc: unknown = parse(text);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw kubeError('KUBE_CONFIG_INVALID', `kubeconfig ${path} is not a YAML map`);
  return { doc: doc as Record<string, unknown>, dir: dirname(resolve(path)) };
}

/**
 * Reads and merges kubeconfig files. `listed` (a KUBECONFIG list) skips files that do not exist, as
 * kubectl does; a single file named in the config must exist.
 */
export function loadKubeconfig(paths: readonly string[], listed: boolean): Kubeconfig {
  const files = paths.flatMap((path) => readOne(path, listed) ?? []);
  if (files.length === 0) throw kubeError('KUBE_CONFIG_INVALID', `KUBECONFIG names no file that exists (${paths.join(':')})`);
  return mergeKubeconfigs(files);
}
