// `filter:` — which tags are candidates. include (regex), exclude (globs, /regex/ or { regex }),
// pattern + extract (Flux's filterTags: the extracted value is what the policy orders; the original
// tag is what gets reported). The cosign artefact tags (*.sig, *.att, *.sbom) are excluded unless
// `defaultExcludes: false`.
import picomatch from 'picomatch';
import type { FilterSpec, TagMatcher } from './types.ts';
import { DEFAULTS } from './defaults.ts';
import { compileRegex, MAX_PATTERN_LENGTH, quote, templateReferences } from './parse-regex.ts';
import { child, describe, isMapping, item, readBoolean, readMapping, readOptionalMapping, readString, report, type IssueSink } from './reader.ts';

const FILTER_KEYS = ['include', 'exclude', 'pattern', 'extract', 'defaultExcludes'];

export function globMatcher(glob: string): TagMatcher {
  const test = picomatch(glob, { dot: true });
  return { source: glob, kind: 'glob', test: (tag) => test(tag) };
}

/** A user's glob, checked: picomatch refuses very long input by throwing. */
function readGlob(sink: IssueSink, glob: string, path: string): TagMatcher | undefined {
  if (glob.length > MAX_PATTERN_LENGTH) {
    report(sink, path, `${quote(glob)} is ${glob.length} characters long; write a glob of at most ${MAX_PATTERN_LENGTH}`);
    return undefined;
  }
  try {
    return globMatcher(glob);
  } catch (err) {
    report(sink, path, `${quote(glob)} is not a valid glob (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
}

function regexMatcher(sink: IssueSink, source: string, path: string): TagMatcher | undefined {
  const compiled = compileRegex(sink, source, path);
  if (compiled === undefined) return undefined;
  const { regex } = compiled;
  return { source: `/${source}/`, kind: 'regex', test: (tag) => regex.test(tag) };
}

function readExclusion(sink: IssueSink, value: unknown, path: string): TagMatcher | undefined {
  if (isMapping(value)) {
    const m = readMapping(sink, value, path, ['regex']);
    const source = m === undefined ? undefined : readString(sink, m.regex, child(path, 'regex'));
    return source === undefined ? undefined : regexMatcher(sink, source, child(path, 'regex'));
  }
  const text = readString(sink, value, path);
  if (text === undefined) return undefined;
  if (text.length >= 2 && text.startsWith('/') && text.endsWith('/')) return regexMatcher(sink, text.slice(1, -1), path);
  return readGlob(sink, text, path);
}

function readExclusions(sink: IssueSink, value: unknown, path: string): TagMatcher[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    report(sink, path, `expected a list of globs or /regex/, got ${describe(value)}`);
    return [];
  }
  return list.flatMap((element, index) => readExclusion(sink, element, typeof value === 'string' ? path : item(path, index)) ?? []);
}

/** The filter a watch gets when it writes none. */
export function defaultFilter(): FilterSpec {
  return { exclude: DEFAULTS.excludes.map(globMatcher) };
}

export function readFilter(sink: IssueSink, value: unknown, path: string): FilterSpec {
  const m = readOptionalMapping(sink, value, path, FILTER_KEYS) ?? {};
  const useDefaults = readBoolean(sink, m.defaultExcludes, child(path, 'defaultExcludes'), true);
  const exclude = [...(useDefaults ? DEFAULTS.excludes.map(globMatcher) : []), ...readExclusions(sink, m.exclude, child(path, 'exclude'))];
  const includeText = m.include === undefined ? undefined : readString(sink, m.include, child(path, 'include'));
  const include = includeText === undefined ? undefined : compileRegex(sink, includeText, child(path, 'include'));
  const patternText = m.pattern === undefined ? undefined : readString(sink, m.pattern, child(path, 'pattern'));
  const pattern = patternText === undefined ? undefined : compileRegex(sink, patternText, child(path, 'pattern'));
  const extract = m.extract === undefined ? undefined : readString(sink, m.extract, child(path, 'extract'));
  if (extract !== undefined && m.pattern === undefined) {
    report(sink, child(path, 'extract'), 'extract needs a pattern with groups to take the value from (add filter.pattern)');
  }
  if (extract !== undefined && pattern !== undefined) {
    for (const ref of templateReferences(extract)) {
      const known = /^\d+$/.test(ref) ? Number(ref) <= pattern.captures : pattern.groups.includes(ref);
      if (!known) {
        const have = pattern.groups.length > 0 ? `named groups: ${pattern.groups.join(', ')}` : `${pattern.captures} numbered group(s)`;
        report(sink, child(path, 'extract'), `"$${ref}" is not a group of filter.pattern (${have})`);
      }
    }
  }
  return {
    exclude,
    ...(include !== undefined && { include: include.regex }),
    ...(pattern !== undefined && { pattern: pattern.regex }),
    ...(extract !== undefined && pattern !== undefined && { extract }),
  };
}
