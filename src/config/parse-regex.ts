// Regular expressions from the config, compiled once. Users coming from Flux and Image Updater write
// Go (RE2) syntax; the two differences that matter for tag filters are translated here and
// documented in docs/config.md:
//   (?P<name>…)  Go/Python named group   → (?<name>…)
//   (?i) at the very start                → the `i` flag
// Everything else is JavaScript syntax, unanchored (like Go's MatchString): write ^…$ to anchor.
import { report, type IssueSink } from './reader.ts';

export interface CompiledRegex {
  readonly regex: RegExp;
  /** Named groups the expression defines. */
  readonly groups: readonly string[];
  /** Number of capture groups, named ones included. */
  readonly captures: number;
}

/** Go/Python syntax translated to JavaScript (see the header comment). */
export function translateRegex(source: string): { source: string; flags: string } {
  let text = source.replace(/\(\?P</g, '(?<');
  let flags = '';
  if (text.startsWith('(?i)')) {
    text = text.slice(4);
    flags = 'i';
  }
  return { source: text, flags };
}

/** Tags are at most 128 characters; a filter longer than this is a mistake (or an attack on start-up). */
export const MAX_PATTERN_LENGTH = 1024;

/** A short quotation of user text for messages: long input is cut, not echoed whole. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

export function compileRegex(sink: IssueSink, source: string, path: string): CompiledRegex | undefined {
  if (source.length > MAX_PATTERN_LENGTH) {
    report(sink, path, `${quote(source)} is ${source.length} characters long; write a regular expression of at most ${MAX_PATTERN_LENGTH}`);
    return undefined;
  }
  const translated = translateRegex(source);
  let regex: RegExp;
  let probe: RegExpExecArray | null;
  try {
    regex = new RegExp(translated.source, translated.flags);
    // An alternative that matches the empty string reveals every group: count and name them.
    probe = new RegExp(`(?:${translated.source})|`, translated.flags).exec('');
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(err);
    report(sink, path, `${quote(source)} is not a valid regular expression (${why}; JavaScript syntax, (?P<name>) is accepted)`);
    return undefined;
  }
  const groups = probe?.groups === undefined ? [] : Object.keys(probe.groups);
  return { regex, groups, captures: probe === null ? 0 : probe.length - 1 };
}

/** `$name`, `${name}`, `$1`, `$$`: the references an extract template makes (Go's Regexp.Expand syntax). */
export function templateReferences(template: string): string[] {
  const refs: string[] = [];
  const re = /\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    const name = m[1] ?? m[2];
    if (name !== undefined) refs.push(name);
  }
  return refs;
}
