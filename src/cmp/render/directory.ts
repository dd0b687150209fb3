// Plain directory rendering with Argo CD's directory semantics (reposerver/repository/repository.go,
// findManifests): files named *.yaml, *.yml or *.json in the application directory, subdirectories
// only when recursing, in lexical walk order; include/exclude globs on the path relative to the
// application directory; symlinks only to regular files inside the repository; a size cap on the
// total. A YAML file that fails to parse, or holds something other than Kubernetes objects, is
// skipped unless it looks like a manifest (apiVersion:, kind: and metadata: all present), in which
// case it is an error; a .json file must be one Kubernetes object.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cmpError } from '../errors.ts';
import { compileGlob } from '../glob.ts';
import { findInvalidUtf8 } from '../utf8.ts';
import { inside, realRepositoryRoot } from './repo.ts';
import type { RenderContext, RenderedSource } from './types.ts';

const MANIFEST_FILE = /\.(?:ya?ml|json)$/;

function globMatcher(pattern: string | undefined, where: string): ((path: string) => boolean) | undefined {
  return pattern === undefined ? undefined : compileGlob(pattern, where);
}

/** Manifest files under `cwd`, relative paths in Argo CD's walk order. */
export async function listManifestFiles(ctx: RenderContext): Promise<string[]> {
  const root = realRepositoryRoot(ctx.cwd, ctx.options.sourcePath);
  const include = globMatcher(ctx.options.include, 'ARGOCD_ENV_DIRECTORY_INCLUDE');
  const exclude = globMatcher(ctx.options.exclude, 'ARGOCD_ENV_DIRECTORY_EXCLUDE');
  const out: string[] = [];
  const walk = (dir: string): void => {
    const names = readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      ctx.deadline.check('listing manifest files');
      const path = join(dir, name);
      const rel = relative(ctx.cwd, path);
      const st = lstatSync(path);
      if (st.isDirectory()) {
        if (ctx.options.recurse && name !== '.git') walk(path);
        continue;
      }
      if (name.endsWith('.jsonnet')) {
        throw cmpError('CMP_RENDER_FAILED', `${rel}: jsonnet is not rendered by this plugin; exclude it with ARGOCD_ENV_DIRECTORY_EXCLUDE`);
      }
      if (!MANIFEST_FILE.test(name)) continue;
      if (st.isSymbolicLink()) {
        const real = realpathSync(path);
        if (!inside(real, root)) throw cmpError('CMP_RENDER_FAILED', `${rel}: symlink points outside the repository`);
        if (!statSync(real).isFile()) continue;
      } else if (!st.isFile()) {
        continue;
      }
      if (exclude?.(rel)) continue;
      if (include && !include(rel)) continue;
      out.push(rel);
    }
  };
  walk(ctx.cwd);
  return out;
}

/** Read every manifest file, refusing more than the size cap in total. */
export async function renderDirectory(ctx: RenderContext): Promise<RenderedSource[]> {
  const files = await listManifestFiles(ctx);
  let total = 0;
  const sources: RenderedSource[] = [];
  for (const rel of files) {
    ctx.deadline.check(`reading ${rel}`);
    const path = join(ctx.cwd, rel);
    total += statSync(path).size;
    if (total > ctx.options.maxBytes) {
      throw cmpError('CMP_INPUT_TOO_LARGE', `manifest files exceed ${ctx.options.maxBytes} bytes in total at ${rel} (ARGOCD_IMAGE_PLUGINS_MAX_MANIFEST_BYTES)`);
    }
    const bytes = readFileSync(path);
    const invalidUtf8 = findInvalidUtf8(bytes);
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // Argo CD reads files through a BOM-stripping UTF-8 reader
    sources.push({ name: rel, text, json: rel.endsWith('.json'), ...(invalidUtf8 && { invalidUtf8 }) });
  }
  return sources;
}

/** Argo CD's test for "this YAML file was meant to be a manifest", applied when it fails to decode. */
export function looksLikeManifestFile(text: string): boolean {
  return text.includes('apiVersion:') && text.includes('kind:') && text.includes('metadata:');
}

/** A .json file must hold exactly one Kubernetes object; throws CMP_YAML_INVALID otherwise. */
export function checkJsonManifest(name: string, text: string): void {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw cmpError('CMP_YAML_INVALID', `${name}: not valid JSON (${(cause as Error).message}); a .json file must hold exactly one Kubernetes object`, { cause });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || typeof (data as Record<string, unknown>).kind !== 'string') {
    throw cmpError('CMP_YAML_INVALID', `${name}: a .json file must hold one Kubernetes object with apiVersion and kind`);
  }
}
