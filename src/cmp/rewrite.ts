// The rewrite: find every image scalar at an image path, and splice the overriding reference into
// the ORIGINAL text at that scalar's source range. Nothing is re-serialised, so comments, quoting,
// key order, anchors, CRLF line ends and document separators stay byte-identical; only the changed
// scalars differ. Multi-document YAML, JSON documents and `kind: List` items are all just nodes.
// Pure: text and options in, text and a record of what happened out.
import { parseAllDocuments, type Document } from 'yaml';
import { parseImageRef } from '../image/reference.ts';
import { checkAliasExpansion, indexAliases } from './aliases.ts';
import { isBlankDocument, makeProbe, splitDocuments, type Chunk, type Probe } from './documents.ts';
import { cmpError } from './errors.ts';
import { lineIndex, type LineIndex } from './lines.ts';
import type { OverrideTable } from './overrides.ts';
import type { ImagePath } from './paths.ts';
import { scalarEdit, type Edit } from './scalar.ts';
import { scanDocument } from './scan.ts';
import { walkImages } from './walk.ts';

export interface RewriteOptions {
  readonly overrides: OverrideTable;
  readonly paths: readonly ImagePath[];
  /** File name used in error messages. */
  readonly fileName: string;
  /** Parse this document even when it cannot hold an image (e.g. to learn whether it is an object). */
  readonly mustParse?: (doc: string) => boolean;
  /** Reuse a probe built for the same paths across files. */
  readonly probe?: Probe;
  /** Called before each document: the command's deadline check (throws when the budget is spent). */
  readonly check?: () => void;
  /** Parse every document with the full parser, never the one-pass scanner (tests compare the two). */
  readonly fullParse?: boolean;
}

/** One image reference found at an image path. */
export interface ImageUse {
  readonly repository: string;
  readonly value: string;
  readonly line: number;
}

export interface Change {
  readonly repository: string;
  readonly from: string;
  readonly to: string;
  readonly line: number;
}

export interface DocumentInfo {
  readonly start: number;
  readonly end: number;
  readonly blank: boolean;
  /** For parsed documents: a mapping with apiVersion and kind; undefined when not parsed. */
  readonly object: boolean | undefined;
}

export interface RewriteResult {
  readonly text: string;
  readonly changes: readonly Change[];
  readonly images: readonly ImageUse[];
  readonly documents: readonly DocumentInfo[];
}

function isObjectDocument(doc: Document.Parsed): boolean {
  const c = doc.contents as { items?: unknown[]; has?: (k: string) => boolean } | null;
  return !!c && typeof c.has === 'function' && Array.isArray(c.items) && c.has('apiVersion') && c.has('kind');
}

interface Found {
  readonly offset: number;
  readonly repository: string;
  readonly value: string;
  readonly edit?: Edit;
  readonly to?: string;
}

type Visit = (offset: number, value: string, edit: (ref: string) => Edit) => void;

/** Rewrite every overridden image in a YAML/JSON stream; throws CMP_YAML_INVALID / CMP_ALIAS_LIMIT. */
export function rewriteManifests(text: string, options: RewriteOptions): RewriteResult {
  const probe = options.probe ?? makeProbe(options.paths);
  const found: Found[] = [];
  const documents: DocumentInfo[] = [];
  const lines = lineIndex(text);
  // A stream repeats the same few images in many documents: parse each distinct value once.
  const refs = new Map<string, ReturnType<typeof parseImageRef>>();
  const visit: Visit = (offset, value, edit) => {
    let ref = refs.get(value);
    if (!ref) refs.set(value, (ref = parseImageRef(value)));
    if (!ref.ok) return; // ko://…, $(params.x), {{ templates }}: not an image, left alone
    const override = options.overrides.get(ref.ref.name);
    const change = override && override.ref !== value ? edit(override.ref) : undefined;
    found.push({ offset, repository: ref.ref.name, value, ...(change && override && { edit: change, to: override.ref }) });
  };
  for (const chunk of splitDocuments(text)) {
    options.check?.();
    const doc = text.slice(chunk.start, chunk.end);
    const blank = isBlankDocument(doc);
    if (blank || !(probe(doc) || options.mustParse?.(doc))) {
      documents.push({ ...chunk, blank, object: undefined });
      continue;
    }
    // Most documents are plain block YAML: read those in one pass; the full parser takes the rest.
    const scanned = options.fullParse ? undefined : scanDocument(doc, options.paths);
    if (scanned?.object) {
      documents.push({ ...chunk, blank: false, object: true });
      for (const image of scanned.images) {
        visit(chunk.start + image.start, image.value, (ref) => scalarEdit(text, chunk.start, { type: image.style, range: [image.start, image.end] }, image.value, ref));
      }
      continue;
    }
    parseChunk(text, chunk, doc, options, lines, documents, visit);
  }
  return assemble(text, found, documents, lines);
}

function parseChunk(text: string, chunk: Chunk, doc: string, options: RewriteOptions, lines: LineIndex, documents: DocumentInfo[], visit: Visit): void {
  for (const parsed of parseAllDocuments(doc)) {
    const error = parsed.errors[0];
    if (error) {
      const line = lines.lineAt(chunk.start + error.pos[0]);
      throw cmpError('CMP_YAML_INVALID', `${options.fileName}: line ${line}: ${error.message.split('\n')[0]}`, { details: { file: options.fileName, line } });
    }
    const index = indexAliases(parsed);
    checkAliasExpansion(parsed, index, 10_000 + 10 * index.directNodes, `${options.fileName}: line ${lines.lineAt(chunk.start)}`);
    const empty = parsed.contents === null;
    documents.push({ start: chunk.start + parsed.range[0], end: chunk.start + parsed.range[2], blank: empty, object: empty ? undefined : isObjectDocument(parsed) });
    walkImages(parsed, index, options.paths, (target) => {
      visit(chunk.start + target.at.range![0], target.value, (ref) => (target.alias ? target.aliasEdit(chunk.start, ref) : scalarEdit(text, chunk.start, target.scalar, target.value, ref)));
    });
  }
}

function assemble(text: string, found: Found[], documents: DocumentInfo[], lines: LineIndex): RewriteResult {
  found.sort((a, b) => a.offset - b.offset);
  const edits = new Map<number, { edit: Edit; found: Found }>();
  for (const f of found) if (f.edit && !edits.has(f.edit.start)) edits.set(f.edit.start, { edit: f.edit, found: f });
  const ordered = [...edits.values()].sort((a, b) => a.edit.start - b.edit.start);
  const parts: string[] = [];
  let cursor = 0;
  const changes: Change[] = [];
  for (const { edit, found: f } of ordered) {
    parts.push(text.slice(cursor, edit.start), edit.text);
    cursor = edit.end;
    changes.push({ repository: f.repository, from: f.value, to: f.to ?? edit.text, line: lines.lineAt(f.offset) });
  }
  parts.push(text.slice(cursor));
  const images = found.map((f) => ({ repository: f.repository, value: f.value, line: lines.lineAt(f.offset) }));
  return { text: ordered.length === 0 ? text : parts.join(''), changes, images, documents };
}
