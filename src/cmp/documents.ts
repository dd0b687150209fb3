// Cutting a YAML stream into documents and deciding, from the text alone, which documents can hold
// an image at all. Only those are parsed: a 3 MB install bundle is mostly CRD schemas, and parsing
// them would cost several times what the whole render may take. The test is conservative (false
// positives only cost time): a document is parsed when a probe key is followed by something that
// can be a sequence, when it uses aliases (so alias bombs are always measured), or when the caller
// asks (the directory renderer needs to know whether a document is a Kubernetes object). Pure.
import type { ImagePath } from './paths.ts';

export interface Chunk {
  readonly start: number;
  readonly end: number;
}

// A document marker is `---` at column 0 followed by white space or the end of the line; YAML 1.2
// forbids it inside any scalar, so cutting here never splits a document in two.
const MARKER = /^---(?=[ \t\r\n]|$)/gm;

/** Document chunks covering the whole text, each starting at its `---` (the first may have none). */
export function splitDocuments(text: string): Chunk[] {
  // Directives (`%YAML`) belong to the next document's marker; such rare streams are kept whole.
  if (/^%/m.test(text)) return [{ start: 0, end: text.length }];
  const chunks: Chunk[] = [];
  let start = 0;
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m !== null; m = MARKER.exec(text)) {
    if (m.index > start) chunks.push({ start, end: m.index });
    start = m.index;
  }
  chunks.push({ start, end: text.length });
  return chunks;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first character after `pos` that is not white space, a line break or a comment. */
function nextSignificant(text: string, pos: number): string {
  let i = pos;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl === -1) return '';
      i = nl + 1;
    } else {
      return c;
    }
  }
  return '';
}

/** Characters that can start a sequence value, or a node standing for one (alias, anchor, tag, complex key). */
const SEQUENCE_START = new Set(['-', '[', '*', '&', '!', '?']);
// An alias stands where a node does: after `: ` or `- `, inside a flow collection, or at a line
// start as a key (`*a : v`) or a flow item (`*a,`). Prose in block scalars (`*NOTE: …`, `*emphasis*`)
// does not match, so CRD descriptions do not force a parse.
const ALIAS = /(?:[:-][ \t]+|[[{,][ \t]*)\*[^\s,[\]{}*]|^[ \t]*\*[^\s,[\]{}*][^\s,[\]{}]*(?:[ \t]+:|[ \t]*[,\]}]|[ \t]*(?:#.*)?$)/m;

export type Probe = (doc: string) => boolean;

/** Build the text test for a set of image paths. */
export function makeProbe(paths: readonly ImagePath[]): Probe {
  const needsSequence = new Map<string, boolean>();
  for (const p of paths) needsSequence.set(p.probeKey, (needsSequence.get(p.probeKey) ?? true) && p.probeSequence);
  const keys = [...needsSequence.keys()].map(escapeRegExp).join('|');
  const source = `(?:^|[\\s{,[])["']?(${keys})["']?[ \\t]*:`;
  return (doc: string): boolean => {
    const re = new RegExp(source, 'gm');
    for (let m = re.exec(doc); m !== null; m = re.exec(doc)) {
      if (!needsSequence.get(m[1]!)) return true;
      if (SEQUENCE_START.has(nextSignificant(doc, m.index + m[0].length))) return true;
    }
    return ALIAS.test(doc);
  };
}

/** True when the chunk holds nothing but markers, comments and white space. */
export function isBlankDocument(doc: string): boolean {
  const body = doc.startsWith('---') ? doc.slice(3) : doc;
  return !/^[ \t]*[^\s#]/m.test(body);
}

/** A cheap look: does the text name both apiVersion and kind as keys? (Used to skip parsing.) */
export function looksLikeObject(doc: string): boolean {
  return /^["']?apiVersion["']?[ \t]*:/m.test(doc) && /^["']?kind["']?[ \t]*:/m.test(doc) || (/"apiVersion"\s*:/.test(doc) && /"kind"\s*:/.test(doc));
}
