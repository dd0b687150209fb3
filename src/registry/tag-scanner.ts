// An incremental reader of one tags-list page (`{"name": …, "tags": [strings] | null}`, distribution
// spec "Listing Tags"), fed the body chunk by chunk as it arrives. It keeps only the tag strings, so a
// page's memory is its tags (at most what the caller accepts), never the whole body plus a parsed
// copy of every value in it: JSON.parse of a 16 MiB page of one-letter tags held ~90 MiB at once.
// Other members are checked for JSON syntax (RFC 8259) and skipped without being built. Pure.

/** Tag strings longer than this are cut (they are invalid OCI tags anyway, max 128) and marked with `…`. */
const KEPT_CHARS = 256;
/** Nesting deeper than this is refused: a page is two levels deep. */
const MAX_DEPTH = 64;
const BARE = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;

type State = 'value' | 'value-or-end' | 'after' | 'key' | 'key-or-end' | 'colon' | 'done';

export class TagPageError extends Error {}

export class TagPageScanner {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly stack: Array<'o' | 'a'> = [];
  private state: State = 'value';
  private inString = false;
  private escape = false;
  private text = '';
  private textLength = 0;
  private collecting: 'key' | 'tag' | 'none' = 'none';
  private bare = '';
  private lastKey = '';
  private inTags = false;
  private tagsSeen = false;
  private topIsObject = false;

  private isKey = false;
  private readonly onTag: (tag: string) => void;

  /** `onTag` gets each tag as soon as its closing quote is read; it may throw to stop the read. */
  constructor(onTag: (tag: string) => void) {
    this.onTag = onTag;
  }

  write(chunk: Uint8Array): void {
    let s: string;
    try {
      s = this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new TagPageError('tags list is not valid UTF-8');
    }
    this.scan(s);
  }

  end(): void {
    try {
      this.scan(this.decoder.decode());
    } catch (err) {
      if (err instanceof TagPageError) throw err;
      throw new TagPageError('tags list is not valid UTF-8');
    }
    if (this.bare !== '') this.endBare();
    if (this.state !== 'done' || this.inString) throw new TagPageError('tags list JSON ends early');
    if (!this.topIsObject || !this.tagsSeen) throw new TagPageError('tags list is not {"tags": [strings]} JSON');
  }

  private scan(s: string): void {
    let i = 0;
    while (i < s.length) {
      if (this.inString) {
        i = this.stringPart(s, i);
        continue;
      }
      const c = s[i]!;
      if (this.bare !== '' || (this.bare === '' && /[-0-9a-z]/.test(c) && (this.state === 'value' || this.state === 'value-or-end'))) {
        if (/[-+.0-9a-zA-Z]/.test(c)) {
          if (this.bare === '') this.startValue('bare');
          this.bare += c;
          if (this.bare.length > 64) throw new TagPageError('tags list has an over-long literal');
          i += 1;
          continue;
        }
        this.endBare();
      }
      i += 1;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
      this.structural(c);
    }
  }

  private structural(c: string): void {
    const st = this.state;
    if (c === '"' && (st === 'key' || st === 'key-or-end')) return this.openString('key');
    if (c === '"' && (st === 'value' || st === 'value-or-end')) {
      this.startValue('string');
      return this.openString(this.inTags && this.stack.length === 2 ? 'tag' : 'none');
    }
    if ((c === '{' || c === '[') && (st === 'value' || st === 'value-or-end')) {
      this.startValue(c === '{' ? 'object' : 'array');
      if (this.stack.length >= MAX_DEPTH) throw new TagPageError('tags list is nested too deeply');
      if (this.stack.length === 0 && c === '{') this.topIsObject = true;
      if (this.stack.length === 1 && this.stack[0] === 'o' && this.lastKey === 'tags') this.inTags = c === '[';
      this.stack.push(c === '{' ? 'o' : 'a');
      this.state = c === '{' ? 'key-or-end' : 'value-or-end';
      return;
    }
    if (c === ':' && st === 'colon') return void (this.state = 'value');
    if (c === ',' && st === 'after') return void (this.state = this.stack.at(-1) === 'o' ? 'key' : 'value');
    const top = this.stack.at(-1);
    if ((c === '}' && top === 'o' && (st === 'after' || st === 'key-or-end')) || (c === ']' && top === 'a' && (st === 'after' || st === 'value-or-end'))) {
      this.stack.pop();
      if (c === ']' && this.inTags && this.stack.length === 1) this.inTags = false;
      return this.valueDone();
    }
    throw new TagPageError(`tags list is not JSON (unexpected ${JSON.stringify(c)})`);
  }

  /** A value starts: the one under the top-level "tags" key must be a list (or null); its elements strings. */
  private startValue(kind: 'bare' | 'string' | 'object' | 'array'): void {
    if (this.stack.length === 1 && this.stack[0] === 'o' && this.lastKey === 'tags') {
      if (this.tagsSeen) throw new TagPageError('tags list has "tags" twice');
      this.tagsSeen = true;
      if (kind !== 'array' && kind !== 'bare') throw new TagPageError('tags list "tags" is not a list');
    }
    if (this.inTags && this.stack.length === 2 && kind !== 'string') throw new TagPageError('tags list "tags" holds a value that is not a string');
  }

  private endBare(): void {
    if (!BARE.test(this.bare)) throw new TagPageError('tags list is not JSON (bad literal)');
    const wasTags = this.stack.length === 1 && this.stack[0] === 'o' && this.lastKey === 'tags';
    if (wasTags && this.bare !== 'null') throw new TagPageError('tags list "tags" is not a list');
    this.bare = '';
    this.valueDone();
  }

  private openString(collect: 'key' | 'tag' | 'none'): void {
    this.inString = true;
    this.isKey = collect === 'key';
    this.collecting = collect === 'key' && this.stack.length !== 1 ? 'none' : collect;
    this.text = '';
    this.textLength = 0;
  }

  /** Reads string content from `i`; returns where scanning continues. */
  private stringPart(s: string, i: number): number {
    let j = i;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if (this.escape) this.escape = false;
      else if (c === 0x5c) this.escape = true;
      else if (c === 0x22) break;
      j += 1;
    }
    if (this.collecting !== 'none' && this.textLength < KEPT_CHARS + 8) this.text += s.slice(i, Math.min(j, i + KEPT_CHARS + 8 - this.textLength));
    this.textLength += j - i;
    if (j >= s.length) return j;
    this.inString = false;
    this.closeString();
    return j + 1;
  }

  private closeString(): void {
    const raw = this.text;
    this.text = '';
    if (this.isKey) {
      if (this.collecting === 'key') this.lastKey = this.textLength > 16 ? '' : decode(raw);
      this.state = 'colon';
      return;
    }
    if (this.collecting === 'tag') this.onTag(this.textLength > KEPT_CHARS ? `${raw.slice(0, KEPT_CHARS)}…` : decode(raw));
    this.valueDone();
  }

  private valueDone(): void {
    this.state = this.stack.length === 0 ? 'done' : 'after';
  }
}

function decode(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new TagPageError('tags list has a string JSON cannot read');
  }
}
