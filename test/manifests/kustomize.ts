// Helpers for the manifest tests: build kustomizations with the real kustomize (`kubectl kustomize`),
// validate objects against the Kubernetes OpenAPI schemas that the kubernetes-models package ships
// (offline, compiled validators), and wrap Components in an overlay with Argo CD's own install.yaml.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { corpusDir } from '../helpers/corpus.ts';
import { kustomizeCommand } from '../../src/cmp/render/kustomize.ts';

export const REPO = resolve(import.meta.dirname, '../..');
export const MANIFESTS = join(REPO, 'manifests');
export const SIDECAR_COMPONENT = join(MANIFESTS, 'components/repo-server-sidecar');
export const CACHE_COMPONENT = join(MANIFESTS, 'components/persistent-cache');

/** Argo CD's generated install bundle, from the repository's corpus (see test/corpus/argo-cd/SOURCE.md). */
export function argoCdInstallYaml(): string {
  return join(corpusDir(), 'argo-cd/manifests/install.yaml');
}

/**
 * The argocd-repo-server Deployment from Argo CD's install.yaml, as YAML text: the object the sidecar
 * component patches. Cut out by text (the bundle also holds ~30k lines of CRDs kustomize need not read).
 */
export function argoCdRepoServerYaml(): string {
  return argoCdObjectYaml('Deployment', 'argocd-repo-server');
}

/** One object of Argo CD's install.yaml, as YAML text (cut out by text, like the repo-server). */
export function argoCdObjectYaml(kind: string, name: string): string {
  const doc = readFileSync(argoCdInstallYaml(), 'utf8').split(/^---$/m)
    .find((d) => new RegExp(`^kind: ${kind}$`, 'm').test(d) && new RegExp(`^ {2}name: ${name}$`, 'm').test(d));
  if (!doc) throw new Error(`install.yaml has no ${kind} ${name}`);
  return doc.trim() + '\n';
}

/** What the components patch besides argocd-repo-server: the UI extension's argocd-server and ConfigMaps. */
const ARGO_CD_PATCHED: readonly [string, string][] = [['Deployment', 'argocd-server'], ['ConfigMap', 'argocd-cm'], ['ConfigMap', 'argocd-cmd-params-cm'], ['ConfigMap', 'argocd-rbac-cm']];

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS({ maxAliasCount: 100 }) as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** `kustomize build DIR` (or `kubectl kustomize DIR`, the same choice the sidecar makes), parsed. */
export async function build(dir: string): Promise<KubeObject[]> {
  const { file, args } = kustomizeCommand(process.env);
  const r = await execa(file, args, { cwd: dir, reject: false, maxBuffer: 128 * 1024 * 1024 });
  if (r.exitCode !== 0) throw new Error(`${file} ${args[0]} ${relative(REPO, dir) || dir} failed: ${r.stderr}`);
  return parseObjects(r.stdout);
}

export interface Overlay {
  dir: string;
  objects: KubeObject[];
  close(): void;
}

/**
 * Builds a throw-away overlay: `resources` and `components` are absolute paths (made relative, as
 * kustomize requires); `withArgoCd` adds the Argo CD objects the components patch (argocd-repo-server, argocd-server, argocd-cm, argocd-cmd-params-cm, argocd-rbac-cm) from its install.yaml
 * (files must sit under the overlay root); `extra` is appended to the kustomization, `files` written beside it.
 */
export async function overlay(opts: { resources?: string[]; components?: string[]; withArgoCd?: boolean; extra?: string; files?: Record<string, string> }): Promise<Overlay> {
  const dir = mkdtempSync(join(tmpdir(), 'aip-overlay-'));
  const close = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const resources = (opts.resources ?? []).map((p) => relative(dir, p));
    if (opts.withArgoCd) {
      writeFileSync(join(dir, 'argocd-repo-server.yaml'), argoCdRepoServerYaml());
      writeFileSync(join(dir, 'argocd-patched.yaml'), ARGO_CD_PATCHED.map(([kind, name]) => argoCdObjectYaml(kind, name)).join('---\n'));
      resources.unshift('argocd-repo-server.yaml', 'argocd-patched.yaml');
    }
    for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text);
    const components = (opts.components ?? []).map((p) => relative(dir, p));
    writeFileSync(join(dir, 'kustomization.yaml'), [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `resources: ${JSON.stringify(resources)}`,
      `components: ${JSON.stringify(components)}`,
      opts.extra ?? '',
    ].join('\n'));
    return { dir, objects: await build(dir), close };
  } catch (err) {
    close();
    throw err;
  }
}

export function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

interface Model {
  validate(): void;
}

/** The kubernetes-models module path for an apiVersion/kind: `v1/Secret`, `apps/v1/Deployment`. */
function modelPath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/**
 * Validates one object against the Kubernetes OpenAPI schema for its apiVersion/kind. Throws with
 * every schema error, or when no schema exists for the kind (an unknown apiVersion is an error).
 */
export async function validateObject(object: KubeObject): Promise<void> {
  let mod: Record<string, new (data: unknown) => Model>;
  try {
    mod = (await import(modelPath(object.apiVersion, object.kind))) as Record<string, new (data: unknown) => Model>;
  } catch {
    throw new Error(`${object.kind}/${object.metadata.name}: no Kubernetes schema for apiVersion ${object.apiVersion} kind ${object.kind}`);
  }
  const Ctor = mod[object.kind];
  if (!Ctor) throw new Error(`${object.kind}/${object.metadata.name}: kubernetes-models has no ${object.kind} export`);
  try {
    new Ctor(object).validate();
  } catch (err) {
    throw new Error(`${object.kind}/${object.metadata.name}: ${(err as Error).message}`, { cause: err });
  }
}
