// A one-pass reader for the YAML most manifests are written in: block mappings and sequences, keys
// of plain characters, scalars on one line, block scalars (`|`, `>`), `{}` and `[]`. It finds the
// image scalars the full parser would find, at the same offsets, without building a document.
// Anything outside that subset (flow collections, anchors, aliases, tags, merge keys, multi-line
// plain or quoted scalars, escapes in an image, tabs, CR, control characters, duplicate keys, odd
// indentation, a root that is not a mapping) makes it answer `undefined`, and the caller parses the
// document with the full parser instead. Every document it accepts is valid YAML 1.2 with the
// structure it read, so errors are still reported by the full parser, never hidden.
// test/cmp/scan.test.ts checks it against the full parser on every corpus document. Pure.
import { ITEM, matchesAny, type ImagePath, type Step } from './paths.ts';

export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

export interface ScannedImage {
  readonly value: string;
  /** Offsets in the document text of the scalar as written (quotes included). */
  readonly start: number;
  readonly end: number;
  readonly style: ScalarStyle;
}

export interface ScannedDocument {
  readonly images: readonly ScannedImage[];
  /** The root mapping has `apiVersion` and `kind` keys. */
  readonly object: boolean;
}

// Outside block scalars and in them alike: characters the subset does not take (tab, CR, C0/C1
// controls, BOM, non-characters), and document-end or directive lines.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSUPPORTED = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]|^(?:\.\.\.|%)/m;
// Matched in place (sticky, no slice per line); no class holds a line break, so a match ends on its line.
const KEY = /(?:([A-Za-z0-9_$][A-Za-z0-9_$./+-]*)|"([A-Za-z0-9_$./+ -]*)"|'([A-Za-z0-9_$./+ -]*)'):(?: +|(?=\n)|$)/y;
// Plain scalars the core schema resolves to something other than a string (YAML 1.2 §10.3.2).
const NOT_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const BLOCK_HEADER = /^[|>][+-]?(?: +#.*)? *$/;
const AFTER_QUOTE = /^(?: +(?:#.*)?)?$/;
const EMPTY_FLOW = /^(?:\[\]|\{\})(?: +(?:#.*)?)?$/;
const DOUBLE_ESCAPE = /\\(?:["\\/0abefnrtvN_LP ]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/g;
const PLAIN_FIRST_BAD = new Set([',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '?', ':', '-']);

interface Frame {
  readonly seq: boolean;
  readonly indent: number;
  /** Trail length of the collection itself; its entries add one step. */
  readonly depth: number;
  readonly keys: Set<string>;
}

/** A value slot waiting for a nested block: `key:` or `-` with nothing after it on the line. */
interface Pending {
  readonly indent: number;
  readonly seqAtSameIndent: boolean;
}

function keyAt(doc: string, at: number): RegExpExecArray | null {
  KEY.lastIndex = at;
  return KEY.exec(doc);
}

class Unsupported extends Error {}
const bail = (): never => {
  throw new Unsupported();
};

interface Scalar {
  readonly value: string;
  readonly end: number;
  readonly style: ScalarStyle;
  readonly escaped: boolean;
}

/** One scalar starting at `at` and ending on this line (`end` is the end of the line). */
function readScalar(doc: string, at: number, end: number): Scalar {
  const first = doc[at]!;
  if (first === '"' || first === "'") {
    let i = at + 1;
    for (; i < end; i++) {
      const c = doc[i];
      if (first === '"' && c === '\\') i++;
      else if (c === first) {
        if (first === "'" && doc[i + 1] === "'") i++;
        else break;
      }
    }
    if (i >= end || !AFTER_QUOTE.test(doc.slice(i + 1, end))) bail();
    const body = doc.slice(at + 1, i);
    if (first === '"' && body.replace(DOUBLE_ESCAPE, '').includes('\\')) bail();
    return { value: first === "'" ? body.replaceAll("''", "'") : body, end: i + 1, style: first === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', escaped: first === '"' && body.includes('\\') };
  }
  if (PLAIN_FIRST_BAD.has(first) && (first !== '-' || doc[at + 1] === ' ' || at + 1 === end)) bail();
  const hash = doc.slice(at, end).indexOf(' #');
  let valueEnd = hash === -1 ? end : at + hash;
  while (valueEnd > at && doc[valueEnd - 1] === ' ') valueEnd--;
  const value = doc.slice(at, valueEnd);
  if (value.includes(': ') || value.endsWith(':')) bail();
  return { value, end: valueEnd, style: 'PLAIN', escaped: false };
}

function lineEnd(doc: string, from: number): number {
  const nl = doc.indexOf('\n', from);
  return nl === -1 ? doc.length : nl;
}

function indentAt(doc: string, from: number, end: number): number {
  let i = from;
  while (i < end && doc[i] === ' ') i++;
  return i - from;
}

/** Skip a block scalar's content lines after its header line; returns where the next line starts. */
function skipBlockScalar(doc: string, next: number, parentIndent: number): number {
  let contentIndent = -1;
  let maxLeadingBlank = 0;
  let pos = next;
  while (pos < doc.length) {
    const end = lineEnd(doc, pos);
    const indent = indentAt(doc, pos, end);
    if (pos + indent === end) {
      if (contentIndent === -1) maxLeadingBlank = Math.max(maxLeadingBlank, indent);
    } else if (indent <= parentIndent) {
      break;
    } else if (contentIndent === -1) {
      if (maxLeadingBlank > indent) bail();
      contentIndent = indent;
    } else if (indent < contentIndent) {
      bail();
    }
    pos = end + 1;
  }
  return pos;
}

/** Scan one document chunk (starting at its `---`, if any); undefined when the subset does not hold it. */
export function scanDocument(doc: string, paths: readonly ImagePath[]): ScannedDocument | undefined {
  if (UNSUPPORTED.test(doc)) return undefined;
  try {
    return new Scanner(doc, paths).run();
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

class Scanner {
  private readonly finals: Set<Step>;
  private readonly frames: Frame[] = [];
  private readonly trail: Step[] = [];
  private readonly images: ScannedImage[] = [];
  private pending: Pending | undefined;
  /** After a plain scalar: the column of its entry (deeper lines continue it) and whether it is an image. */
  private plain: { indent: number; image: boolean } | undefined;
  private pos = 0;
  private readonly doc: string;
  private readonly paths: readonly ImagePath[];

  constructor(doc: string, paths: readonly ImagePath[]) {
    this.doc = doc;
    this.paths = paths;
    this.finals = new Set(paths.map((p) => p.steps[p.steps.length - 1]!));
  }

  run(): ScannedDocument {
    const { doc } = this;
    if (doc.startsWith('---')) {
      const end = lineEnd(doc, 0);
      if (!/^---(?: +(?:#.*)?)?$/.test(doc.slice(0, end))) bail();
      this.pos = end + 1;
    }
    while (this.pos < doc.length) {
      const end = lineEnd(doc, this.pos);
      const indent = indentAt(doc, this.pos, end);
      const at = this.pos + indent;
      this.pos = end + 1;
      if (at === end || doc[at] === '#') {
        this.plain = undefined; // a comment or an empty line ends a plain scalar for this reader
        continue;
      }
      if (this.plain && indent > this.plain.indent) {
        this.continuePlain(at, end);
        continue;
      }
      this.plain = undefined;
      this.line(indent, at, end);
    }
    const root = this.frames[0];
    if (!root || root.seq) bail();
    return { images: this.images, object: root!.keys.has('apiVersion') && root!.keys.has('kind') };
  }

  private isSeqEntry(at: number, end: number): boolean {
    return this.doc[at] === '-' && (at + 1 === end || this.doc[at + 1] === ' ');
  }

  private open(seq: boolean, indent: number): void {
    this.frames.push({ seq, indent, depth: this.trail.length, keys: new Set() });
  }

  /** Find (or open) the collection this content line belongs to. */
  private place(indent: number, seq: boolean): Frame {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      if (indent > pending.indent || (seq && indent === pending.indent && pending.seqAtSameIndent)) {
        this.open(seq, indent);
        return this.frames[this.frames.length - 1]!;
      }
      this.trail.pop(); // the slot held null
    }
    if (this.frames.length === 0) {
      if (indent !== 0 || seq) bail();
      this.open(false, 0);
    }
    let top = this.frames[this.frames.length - 1]!;
    while (top.indent > indent || (top.seq && !seq && top.indent === indent && this.frames.length > 1)) {
      this.frames.pop();
      top = this.frames[this.frames.length - 1] ?? bail();
      this.trail.length = top.depth + 1;
    }
    if (top.indent !== indent || top.seq !== seq) bail();
    this.trail.length = top.depth;
    return top;
  }

  /** A continuation line of a multi-line plain scalar (YAML 1.2 §7.3.3), never of an image. */
  private continuePlain(at: number, end: number): void {
    const text = this.doc.slice(at, end);
    if (this.plain!.image || PLAIN_FIRST_BAD.has(text[0]!) || text.includes(': ') || text.endsWith(':') || text.includes(' #')) bail();
  }

  private line(indent: number, at: number, end: number): void {
    if (this.pending && indent > this.pending.indent && EMPTY_FLOW.test(this.doc.slice(at, end))) {
      this.pending = undefined; // `key:` with `{}` or `[]` on the next line
      return;
    }
    if (this.isSeqEntry(at, end)) {
      this.place(indent, true);
      this.trail.push(ITEM);
      let valueAt = at + 1;
      while (valueAt < end && this.doc[valueAt] === ' ') valueAt++;
      if (valueAt === end || this.doc[valueAt] === '#') {
        this.pending = { indent, seqAtSameIndent: false };
        return;
      }
      if (this.isSeqEntry(valueAt, end)) bail();
      if (keyAt(this.doc, valueAt)) {
        this.open(false, valueAt - (at - indent));
        this.entry(this.frames[this.frames.length - 1]!, valueAt, end);
        return;
      }
      this.value(indent, valueAt, end);
      return;
    }
    this.entry(this.place(indent, false), at, end);
  }

  /** A `key: value` line of the mapping `frame`, the key starting at `at`. */
  private entry(frame: Frame, at: number, end: number): void {
    const m = keyAt(this.doc, at) ?? bail();
    const key = m![1] ?? m![2] ?? m![3]!;
    if (m![1] !== undefined && NOT_STRING.test(key)) bail();
    if (key.length > 1000 || frame.keys.has(key)) bail();
    frame.keys.add(key);
    this.trail.length = frame.depth;
    this.trail.push(key);
    const valueAt = at + m![0].length;
    if (valueAt === end || this.doc[valueAt] === '#') {
      this.pending = { indent: frame.indent, seqAtSameIndent: true };
      return;
    }
    this.value(frame.indent, valueAt, end);
  }

  /** The value of an entry whose key (or `-`) sits at column `indent`. */
  private value(indent: number, at: number, end: number): void {
    const { doc } = this;
    const text = doc.slice(at, end);
    if ((doc[at] === '|' || doc[at] === '>') && BLOCK_HEADER.test(text)) {
      if (this.atImage()) bail();
      this.pos = skipBlockScalar(doc, end + 1, indent);
      return;
    }
    if (doc[at] === '[' || doc[at] === '{') {
      if (!EMPTY_FLOW.test(text)) bail();
      return;
    }
    const scalar = readScalar(doc, at, end);
    const image = this.atImage();
    if (scalar.style === 'PLAIN') this.plain = { indent, image };
    if (!image) return;
    if (scalar.escaped || (scalar.style === 'PLAIN' && NOT_STRING.test(scalar.value)) || scalar.value === '') bail();
    this.images.push({ value: scalar.value, start: at, end: scalar.end, style: scalar.style });
  }

  private atImage(): boolean {
    return this.finals.has(this.trail[this.trail.length - 1]!) && matchesAny(this.trail, this.paths);
  }
}
