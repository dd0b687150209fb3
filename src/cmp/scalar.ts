// The text that replaces one image scalar in the original source, keeping how it was written:
// plain stays plain when the new value is safe unquoted, double-quoted keeps JSON-compatible
// escaping (so JSON documents stay JSON), single-quoted stays single-quoted, and a block scalar keeps
// its header and indentation with only the value line changed. Pure.

export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

// Characters image references use, starting with a letter or digit; never a YAML indicator, never a
// number, boolean or sexagesimal under YAML 1.1 (which Argo CD's parser still honours).
const PLAIN_SAFE = /^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$/;
const NUMBER_LIKE = /^[0-9._:+-]+$/;
const YAML11_WORDS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

export function isPlainSafe(value: string): boolean {
  return PLAIN_SAFE.test(value) && !NUMBER_LIKE.test(value) && !YAML11_WORDS.test(value) && !value.endsWith(':');
}

/** Text for a value written where there was no scalar style to keep (an alias in an image position). */
export function freshScalarText(value: string): string {
  return isPlainSafe(value) ? value : JSON.stringify(value);
}

/** A scalar as written: the yaml package's `Scalar.type` names and its `range` (offsets in the document). */
export interface WrittenScalar {
  readonly type?: string | undefined;
  readonly range?: readonly [number, number, ...number[]] | null | undefined;
}

/** The edit turning `node` (a string scalar at absolute offset `base`) into `value`. */
export function scalarEdit(source: string, base: number, node: WrittenScalar, oldValue: string, value: string): Edit {
  const [from, to] = node.range!;
  const start = base + from;
  const end = base + to;
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      return { start, end, text: JSON.stringify(value) };
    case 'QUOTE_SINGLE':
      return { start, end, text: `'${value.replaceAll("'", "''")}'` };
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      // An image has no white space, so its block scalar has one content line: swap just that text.
      const headerEnd = source.indexOf('\n', start);
      const at = headerEnd === -1 ? -1 : source.indexOf(oldValue, headerEnd);
      if (at === -1 || at + oldValue.length > end) {
        return { start, end, text: JSON.stringify(value) + (source[end - 1] === '\n' ? '\n' : '') };
      }
      return { start: at, end: at + oldValue.length, text: value };
    }
    default:
      return { start, end, text: freshScalarText(value) };
  }
}
