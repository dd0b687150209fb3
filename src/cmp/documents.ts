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

// Anchor and alias names as the two parsers read them: the YAML 1.2 grammar (any characters but
// white space and flow indicators, the `yaml` library) and go-yaml's (letters, digits, '_', '-').
const ANCHOR_BROAD = /&([^\s,[\]{}]+)/g;
const ANCHOR_GO = /&([0-9A-Za-z_-]+)/g;
const ALIAS_BROAD = /\*([^\s,[\]{}]+)/g;
const ALIAS_GO = /\*([0-9A-Za-z_-]+)/g;

function names(doc: string, ...patterns: RegExp[]): Set<string> {
  const out = new Set<string>();
  for (const re of patterns) {
    re.lastIndex = 0;
    for (let m = re.exec(doc); m !== null; m = re.exec(doc)) out.add(m[1]!);
  }
  return out;
}

/**
 * True when the document may use an alias: some `*name` matches some `&name` (an alias refers to an
 * anchor of its own document). Decided from names, not from where an alias may stand, so no syntax
 * go-yaml accepts (`{"a":*x}`, `? *x`, an alias after a line break) keeps a document from being
 * parsed and its alias expansion measured. Prose with `&` and `*` only costs a parse.
 */
export function mayUseAliases(doc: string): boolean {
  if (!doc.includes('&') || !doc.includes('*')) return false;
  const anchors = names(doc, ANCHOR_BROAD, ANCHOR_GO);
  if (anchors.size === 0) return false;
  for (const alias of names(doc, ALIAS_BROAD, ALIAS_GO)) if (anchors.has(alias)) return true;
  return false;
}

// A key the probe's text test could miss: a double-quoted key with an escape (`"cont\x61iners":`
// is `containers`) or an explicit key (`? containers`). Such documents are parsed, so the parser
// decides what the key is.
const EXPLICIT_KEY = /(?:^|[\s{,[])\?(?=[ \t\r\n]|$)/m;
// The body of a one-line double-quoted scalar: characters but `"`, `\` and LF, or an escape pair.
const QUOTED_BODY = /(?:[^"\\\n]|\\[^\n\r\u2028\u2029])*/y;
const KEY_COLON = /[ \t]*:/y;

/**
 * One pass over the quoted spans (`"…"[ \t]*:` with an escape in the body, from any opening quote).
 * A regular expression for the same test rescans a span from every quote inside it, which costs
 * time quadratic in a line of escaped JSON (Grafana dashboards in ConfigMaps).
 */
export function mayHideKeys(doc: string): boolean {
  if (doc.includes('?') && EXPLICIT_KEY.test(doc)) return true;
  if (!doc.includes('\\')) return false;
  for (let open = doc.indexOf('"'); open !== -1; ) {
    QUOTED_BODY.lastIndex = open + 1;
    QUOTED_BODY.test(doc);
    const close = QUOTED_BODY.lastIndex;
    if (doc[close] !== '"') {
      open = doc.indexOf('"', close);
      continue;
    }
    KEY_COLON.lastIndex = close + 1;
    if (KEY_COLON.test(doc)) {
      if (doc.slice(open + 1, close).includes('\\')) return true;
    }
    // A run from a quote inside this span ends at the same closing quote with fewer escapes, so the
    // closing quote is the next opening worth trying.
    open = close;
  }
  return false;
}

export type Probe = (doc: string) => boolean;

/** Build the text test for a set of image paths. */
export function makeProbe(paths: readonly ImagePath[]): Probe {
  const needsSequence = new Map<string, boolean>();
  for (const p of paths) needsSequence.set(p.probeKey, (needsSequence.get(p.probeKey) ?? true) && p.probeSequence);
  const names = [...needsSequence.keys()];
  const source = `(?:^|[\\s{,[])["']?(${names.map(escapeRegExp).join('|')})["']?[ \\t]*:`;
  return (doc: string): boolean => {
    // A plain substring search first: most documents (RBAC, Services, ConfigMaps) name no probe key.
    const re = new RegExp(source, 'gm');
    for (let m = names.some((n) => doc.includes(n)) ? re.exec(doc) : null; m !== null; m = re.exec(doc)) {
      if (!needsSequence.get(m[1]!)) return true;
      if (SEQUENCE_START.has(nextSignificant(doc, m.index + m[0].length))) return true;
    }
    return mayUseAliases(doc) || mayHideKeys(doc);
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
