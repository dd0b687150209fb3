// The filter stage: exclude, then include, then pattern + extract, with Flux's RegexFilter semantics
// (fluxcd/image-reflector-controller internal/policy/filter.go): a tag the pattern does not match is
// dropped; the extract template, expanded against the match, is the value the policy orders; the
// original tag is what gets reported. Pure.
import type { FilterSpec, TagMatcher } from '../config/types.ts';
import type { Candidate, FilterResult, TagVerdict } from './types.ts';

/** The rule name a verdict carries for an exclusion: `filter.exclude "*.sig"` or `filter.exclude /^tmp-/`. */
export function exclusionRule(matcher: TagMatcher): string {
  return `filter.exclude ${matcher.kind === 'glob' ? JSON.stringify(matcher.source) : matcher.source}`;
}

/**
 * Go's Regexp.Expand template syntax: `$name`, `${name}`, `$1`, `$$`; a name is the longest run of
 * letters, digits and _; an unknown or unmatched group expands to nothing.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(?:(\$)|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_all, dollar: string | undefined, braced: string | undefined, bare: string | undefined) => {
    if (dollar !== undefined) return '$';
    const name = (braced ?? bare)!;
    const value = /^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name];
    return value ?? '';
  });
}

function reject(tag: string, rule: string, detail?: string): TagVerdict {
  return { tag, outcome: 'rejected', rule, ...(detail !== undefined && { detail }) };
}

/** Splits tags into candidates (with their ordering value) and rejections naming the rule. */
export function applyFilter(tags: readonly string[], filter: FilterSpec): FilterResult {
  const candidates: Candidate[] = [];
  const rejected: TagVerdict[] = [];
  for (const tag of tags) {
    const excludedBy = filter.exclude.find((m) => m.test(tag));
    if (excludedBy !== undefined) {
      rejected.push(reject(tag, exclusionRule(excludedBy)));
      continue;
    }
    if (filter.include !== undefined && !filter.include.test(tag)) {
      rejected.push(reject(tag, 'filter.include', `does not match ${String(filter.include)}`));
      continue;
    }
    if (filter.pattern === undefined) {
      candidates.push({ tag, value: tag });
      continue;
    }
    const match = filter.pattern.exec(tag);
    if (match === null) {
      rejected.push(reject(tag, 'filter.pattern', `does not match ${String(filter.pattern)}`));
      continue;
    }
    candidates.push({ tag, value: filter.extract === undefined ? tag : expandTemplate(filter.extract, match) });
  }
  return { candidates, rejected };
}
