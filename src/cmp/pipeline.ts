// From rendered sources to the one manifest stream Argo CD reads: rewrite each source, apply the
// directory rules for files that are not manifests, and join the texts with document separators
// (Argo CD's config-management-plugins.md: a YAML stream, or a stream of JSON objects when the output starts with
// `{`, so a JSON file followed by YAML needs a leading `---`). Pure.
import { looksLikeObject, makeProbe } from './documents.ts';
import { cmpError } from './errors.ts';
import { isAppError } from '../shared/errors.ts';
import type { OverrideTable } from './overrides.ts';
import type { ImagePath } from './paths.ts';
import { checkJsonManifest, looksLikeManifestFile } from './render/directory.ts';
import type { RenderedSource } from './render/types.ts';
import { utf8Message } from './utf8.ts';
import { rewriteManifests, type Change, type ImageUse } from './rewrite.ts';

export interface PipelineInput {
  readonly sources: readonly RenderedSource[];
  readonly overrides: OverrideTable;
  readonly paths: readonly ImagePath[];
  /** Sources are the user's files (directory renderer): apply Argo CD's skip-or-fail rules. */
  readonly files: boolean;
  /** The command's deadline check, called between documents. */
  readonly check?: (step: string) => void;
}

export interface PipelineResult {
  readonly text: string;
  readonly changes: readonly (Change & { source: string })[];
  readonly images: readonly (ImageUse & { source: string })[];
  /** Non-empty documents in the output. */
  readonly documents: number;
  /** Files left out because they are not Kubernetes manifests, with the reason. */
  readonly skipped: readonly { source: string; reason: string }[];
}

function notObjectLine(text: string, start: number): number {
  return text.slice(0, start).split('\n').length;
}

export function runPipeline(input: PipelineInput): PipelineResult {
  const probe = makeProbe(input.paths);
  const mustParse = input.files ? (doc: string) => !looksLikeObject(doc) : undefined;
  const kept: { text: string; json: boolean }[] = [];
  const changes: (Change & { source: string })[] = [];
  const images: (ImageUse & { source: string })[] = [];
  const skipped: { source: string; reason: string }[] = [];
  let documents = 0;
  for (const source of input.sources) {
    let result;
    try {
      if (source.invalidUtf8) throw cmpError('CMP_YAML_INVALID', utf8Message(source.name, source.invalidUtf8));
      if (input.files && source.json) checkJsonManifest(source.name, source.text);
      const check = input.check && (() => input.check!(`rewriting ${source.name}`));
      result = rewriteManifests(source.text, { overrides: input.overrides, paths: input.paths, fileName: source.name, probe, ...(mustParse && { mustParse }), ...(check && { check }) });
    } catch (err) {
      if (input.files && !source.json && isAppError(err) && err.code === 'CMP_YAML_INVALID' && !looksLikeManifestFile(source.text)) {
        skipped.push({ source: source.name, reason: err.message });
        continue;
      }
      throw err;
    }
    const notObject = input.files && !source.json ? result.documents.find((d) => !d.blank && d.object === false) : undefined;
    if (notObject) {
      const line = notObjectLine(source.text, notObject.start);
      if (looksLikeManifestFile(source.text)) {
        throw cmpError('CMP_YAML_INVALID', `${source.name}: line ${line}: the document is not a Kubernetes object (it needs apiVersion and kind)`);
      }
      skipped.push({ source: source.name, reason: `line ${line}: not a Kubernetes object` });
      continue;
    }
    documents += result.documents.filter((d) => !d.blank).length;
    kept.push({ text: result.text, json: source.json });
    for (const c of result.changes) changes.push({ ...c, source: source.name });
    for (const i of result.images) images.push({ ...i, source: source.name });
  }
  return { text: join(kept), changes, images, documents, skipped };
}

/** Join sources into one stream; JSON-only output stays a JSON stream. */
export function join(parts: readonly { text: string; json: boolean }[]): string {
  if (parts.length <= 1) return parts[0]?.text ?? '';
  if (parts.every((p) => p.json)) return parts.map((p) => (p.text.endsWith('\n') ? p.text : `${p.text}\n`)).join('');
  let out = parts[0]!.json ? '---\n' : '';
  parts.forEach((p, i) => {
    if (i > 0) out += `${out.endsWith('\n') ? '' : '\n'}${/^---(?:[ \t\r\n]|$)/.test(p.text) ? '' : '---\n'}`;
    out += p.text;
  });
  return out;
}
