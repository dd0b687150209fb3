// Before kustomize runs, walk the kustomization tree it would read and refuse two things: anything
// it would fetch over the network (remote resources, bases, components, generators, files, helm
// charts) and any file or directory whose real path leaves the repository (`..`, symlinks). This
// is the only network guard we rely on; kustomize is also run with git transports disabled and
// proxies pointing nowhere (kustomize.ts), as a second line. The walk reads kustomization files
// only, follows each local directory once, and is bounded in files and bytes.
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { cmpError } from '../errors.ts';
import { isRemoteEntry } from './remote.ts';
import { realInside } from './repo.ts';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MAX_KUSTOMIZATIONS = 1000;
const MAX_KUSTOMIZATION_BYTES = 1024 * 1024;

/** Fields whose entries are kustomizations or resource files (kustomize accumulates them the same way). */
const TREE_FIELDS = ['resources', 'bases', 'components', 'generators', 'transformers', 'validators'];
/** Fields whose string entries are file names. */
const FILE_LIST_FIELDS = ['patchesStrategicMerge', 'crds', 'configurations'];
/** Fields whose items carry a file in `path`. */
const PATH_ITEM_FIELDS = ['patches', 'patchesJson6902', 'replacements'];
const GENERATOR_FIELDS = ['configMapGenerator', 'secretGenerator'];
const HELM_FIELDS = ['helmCharts', 'helmChartInflationGenerator'];

interface Walk {
  readonly root: string;
  readonly seen: Set<string>;
  readonly check: () => void;
}

function remote(where: string, entry: string): never {
  throw cmpError('CMP_REMOTE_REFUSED', `${where}: "${entry.slice(0, 200)}" is fetched over the network; the plugin renders only what is in the repository. Vendor it into the repository and refer to it by a relative path`);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
}

function items(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)) : [];
}

/** A file entry: refused when remote or outside; a missing file is left for kustomize to report. */
function checkFile(walk: Walk, dir: string, where: string, entry: string): void {
  if (entry.includes('\n')) return; // an inline patch or config, not a file name
  if (isRemoteEntry(entry)) remote(where, entry);
  realInside(entry, dir, walk.root, `${where}: "${entry.slice(0, 200)}"`);
}

/** A tree entry: a file or a kustomization directory, never remote, never missing. */
function checkTreeEntry(walk: Walk, dir: string, where: string, entry: string): void {
  if (entry.includes('\n')) return; // an inline generator/transformer config
  if (isRemoteEntry(entry)) remote(where, entry);
  const real = realInside(entry, dir, walk.root, `${where}: "${entry.slice(0, 200)}"`);
  if (real === undefined) {
    throw cmpError('CMP_REMOTE_REFUSED', `${where}: "${entry.slice(0, 200)}" is neither a file nor a directory in the repository, so kustomize would try to fetch it as a remote repository; the plugin renders only what is in the repository`);
  }
  if (statSync(real).isDirectory()) visit(walk, real);
}

function kustomizationIn(dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    try {
      if (statSync(join(dir, name)).isFile()) return join(dir, name);
    } catch {
      // not this name
    }
  }
  return undefined;
}

function readKustomization(file: string, shown: string): Record<string, unknown> | undefined {
  if (statSync(file).size > MAX_KUSTOMIZATION_BYTES) throw cmpError('CMP_INPUT_TOO_LARGE', `${shown} is larger than ${MAX_KUSTOMIZATION_BYTES} bytes`);
  let data: unknown;
  try {
    // Merge keys on, as kustomize reads them (go-yaml): `<<: {resources: [...]}` names resources too.
    data = parse(readFileSync(file, 'utf8'), { maxAliasCount: 100, merge: true });
  } catch (cause) {
    throw cmpError('CMP_RENDER_FAILED', `${shown} is not valid YAML (${(cause as Error).message.split('\n')[0]})`, { cause });
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
}

function visit(walk: Walk, dir: string): void {
  if (walk.seen.has(dir)) return;
  walk.seen.add(dir);
  walk.check();
  if (walk.seen.size > MAX_KUSTOMIZATIONS) throw cmpError('CMP_INPUT_TOO_LARGE', `the kustomization tree has more than ${MAX_KUSTOMIZATIONS} directories`);
  const file = kustomizationIn(dir);
  if (file === undefined) return; // kustomize reports a directory without a kustomization
  const shown = relative(walk.root, file) || file;
  const k = readKustomization(file, shown);
  if (k === undefined) return;
  for (const field of HELM_FIELDS) {
    if (k[field] !== undefined && k[field] !== null) {
      throw cmpError('CMP_REMOTE_REFUSED', `${shown}: ${field} is not rendered: kustomize inflates charts only with --enable-helm, which the plugin never passes (it would fetch the chart). Point the Application at the chart with the helm renderer, or vendor the rendered manifests`);
    }
  }
  for (const field of TREE_FIELDS) for (const entry of strings(k[field])) checkTreeEntry(walk, dir, `${shown} ${field}`, entry);
  for (const field of FILE_LIST_FIELDS) for (const entry of strings(k[field])) checkFile(walk, dir, `${shown} ${field}`, entry);
  for (const field of PATH_ITEM_FIELDS) for (const item of items(k[field])) for (const path of strings(item.path)) checkFile(walk, dir, `${shown} ${field}`, path);
  const openapi = k.openapi as { path?: unknown } | null | undefined;
  for (const path of strings(openapi?.path)) checkFile(walk, dir, `${shown} openapi`, path);
  for (const field of GENERATOR_FIELDS) {
    for (const item of items(k[field])) {
      const files = [...strings(item.files), ...strings(item.envs), ...strings(item.env)];
      for (const f of files) checkFile(walk, dir, `${shown} ${field}`, f.includes('=') ? f.slice(f.indexOf('=') + 1) : f);
    }
  }
}

/** Walk the kustomization in `dir` (real path) and everything it names; throws on the first refusal. */
export function checkKustomizationTree(dir: string, root: string, check: () => void = () => {}): number {
  const walk: Walk = { root, seen: new Set(), check };
  visit(walk, dir);
  return walk.seen.size;
}
