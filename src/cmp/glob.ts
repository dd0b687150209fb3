// DIRECTORY_INCLUDE / DIRECTORY_EXCLUDE globs, matched without regular expressions. A glob compiled
// to a backtracking regular expression can take exponential time: `*a*a*a*a*a*a*a*a*a*a*a*b` against
// a long name of a's, or an extglob such as `+(a|aa)+(a|aa)b`, spins the CPU for seconds or forever.
// Here a glob is a list of tokens matched by a set-of-positions walk (for each token, the positions
// of the path it can end at), so a match costs at most tokens × path length steps. Syntax (picomatch's,
// minus extglobs and negation): `*` any run without `/`, `**` any run, `**/` zero or more whole
// directories, `?` one character but `/`, `[abc]`, `[a-z]`, `[!x]`/`[^x]`, `{a,b}` alternatives
// (not nested), `\` escapes the next character. Pure.
import { cmpError } from './errors.ts';

export const MAX_GLOB_LENGTH = 256;
const MAX_ALTERNATIVES = 32;

type Token =
  | { kind: 'char'; c: string }
  | { kind: 'one' }
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'dirs' }
  | { kind: 'class'; negated: boolean; ranges: [string, string][] };

function invalid(where: string, pattern: string, why: string): never {
  throw cmpError('CMP_OPTIONS_INVALID', `${where}="${pattern.slice(0, 80)}" ${why}; write a glob such as "*.yaml", "base/**/*.yml" or "{a,b}/*.json"`);
}

/** `{a,b}` alternatives expanded into plain globs (no nesting). */
function expand(pattern: string, fail: (why: string) => never): string[] {
  const open = pattern.search(/(?<!\\)\{/);
  if (open === -1) return [pattern];
  const close = pattern.indexOf('}', open);
  if (close === -1) fail('has an unclosed "{"');
  const inner = pattern.slice(open + 1, close);
  if (inner.includes('{')) fail('nests "{…}" alternatives');
  const rest = expand(pattern.slice(close + 1), fail);
  const out: string[] = [];
  for (const alt of inner.split(',')) for (const tail of rest) out.push(pattern.slice(0, open) + alt + tail);
  if (out.length > MAX_ALTERNATIVES) fail(`has more than ${MAX_ALTERNATIVES} alternatives`);
  return out;
}

function readClass(glob: string, at: number, fail: (why: string) => never): { token: Token; next: number } {
  let i = at + 1;
  const negated = glob[i] === '!' || glob[i] === '^';
  if (negated) i++;
  const ranges: [string, string][] = [];
  for (let first = true; i < glob.length && (glob[i] !== ']' || first); first = false) {
    let c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) c = glob[++i]!;
    if (glob[i + 1] === '-' && glob[i + 2] !== undefined && glob[i + 2] !== ']') {
      ranges.push([c, glob[i + 2]!]);
      i += 3;
    } else {
      ranges.push([c, c]);
      i++;
    }
  }
  if (i >= glob.length) fail('has an unclosed "["');
  return { token: { kind: 'class', negated, ranges }, next: i + 1 };
}

function tokenize(glob: string, fail: (why: string) => never): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < glob.length;) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const wholeSegment = (i === 0 || glob[i - 1] === '/') && glob[i + 2] === '/';
      tokens.push({ kind: wholeSegment ? 'dirs' : 'any' });
      i += wholeSegment ? 3 : 2;
      while (!wholeSegment && glob[i] === '*') i++;
    } else if (c === '*') {
      tokens.push({ kind: 'star' });
      i++;
    } else if (c === '?') {
      tokens.push({ kind: 'one' });
      i++;
    } else if (c === '[') {
      const { token, next } = readClass(glob, i, fail);
      tokens.push(token);
      i = next;
    } else {
      const escaped = c === '\\' && i + 1 < glob.length;
      tokens.push({ kind: 'char', c: escaped ? glob[i + 1]! : c });
      i += escaped ? 2 : 1;
    }
  }
  return tokens;
}

function classMatches(token: Extract<Token, { kind: 'class' }>, c: string): boolean {
  if (c === '/') return false;
  const hit = token.ranges.some(([lo, hi]) => c >= lo && c <= hi);
  return hit !== token.negated;
}

/** Positions of `path` a token can end at, given the positions it can start at. */
function step(token: Token, path: string, from: Uint8Array): Uint8Array {
  const n = path.length;
  const to = new Uint8Array(n + 1);
  if (token.kind === 'star' || token.kind === 'any') {
    let open = false;
    for (let i = 0; i <= n; i++) {
      if (from[i]) open = true;
      if (open) to[i] = 1;
      if (token.kind === 'star' && path[i] === '/') open = false;
    }
    return to;
  }
  if (token.kind === 'dirs') {
    let open = false;
    for (let i = 0; i <= n; i++) {
      if (from[i]) {
        open = true;
        to[i] = 1;
      }
      if (open && i > 0 && path[i - 1] === '/') to[i] = 1;
    }
    return to;
  }
  for (let i = 0; i < n; i++) {
    if (!from[i]) continue;
    const c = path[i]!;
    const ok = token.kind === 'char' ? c === token.c : token.kind === 'one' ? c !== '/' : classMatches(token, c);
    if (ok) to[i + 1] = 1;
  }
  return to;
}

function matchTokens(tokens: readonly Token[], path: string): boolean {
  let at: Uint8Array = new Uint8Array(path.length + 1);
  at[0] = 1;
  for (const token of tokens) {
    at = step(token, path, at);
    if (!at.includes(1)) return false;
  }
  return at[path.length] === 1;
}

/** Compile a glob; throws CMP_OPTIONS_INVALID for extglobs, negation, and over-long or malformed globs. */
export function compileGlob(pattern: string, where: string): (path: string) => boolean {
  const fail = (why: string): never => invalid(where, pattern, why);
  if (pattern.length > MAX_GLOB_LENGTH) fail(`is longer than ${MAX_GLOB_LENGTH} characters`);
  if (/[@!+*?]\(/.test(pattern)) fail('uses an extglob such as "+(…)", which is not supported');
  if (pattern.startsWith('!')) fail('starts with "!" (negation is not supported; use DIRECTORY_EXCLUDE)');
  const alternatives = expand(pattern, fail).map((glob) => tokenize(glob, fail));
  return (path: string) => alternatives.some((tokens) => matchTokens(tokens, path));
}
