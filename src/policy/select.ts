// The one entry point for choosing a tag: filter, then the watch's policy, with a verdict for every
// distinct listed tag. The result depends only on the set of tags (registries list them unsorted,
// and pages may repeat a tag), never on their order. Pure.
import type { PolicySpec, SelectionRule } from '../config/types.ts';
import { selectDigest } from './digest.ts';
import { applyFilter } from './filter.ts';
import { rankLexical } from './lexical.ts';
import { rankNewestBuild } from './newest-build.ts';
import { rankNewestPush } from './newest-push.ts';
import { rankNumerical } from './numerical.ts';
import { compareText, plural } from './order.ts';
import { rankSemver } from './semver.ts';
import type { Candidate, Ranking, Selection, TagMetadata, TagVerdict } from './types.ts';
import { isOciTag } from '../image/reference.ts';

function uniqueSorted(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort(compareText);
}

/** The rule a listed tag breaks when it is not a tag at all (a registry is untrusted input). */
export const TAG_GRAMMAR_RULE = 'oci tag grammar';

/**
 * Splits a listing into valid OCI tags and verdicts for the rest. A name outside the grammar
 * (`1.0.0+build`, 200 characters, `../x`) cannot be asked for by its manifest, so ranking it would
 * choose a tag the scan can never resolve and block the watch: it is dropped before any policy runs.
 */
function validTags(unique: readonly string[]): { tags: string[]; invalid: TagVerdict[] } {
  const tags: string[] = [];
  const invalid: TagVerdict[] = [];
  for (const tag of unique) {
    if (isOciTag(tag)) tags.push(tag);
    else invalid.push({ tag, outcome: 'rejected', rule: TAG_GRAMMAR_RULE, detail: 'not a valid OCI tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}); the registry listed it, nothing can pull it by that name' });
  }
  return { tags, invalid };
}

type OrderingPolicy = Exclude<PolicySpec, { kind: 'digest' }>;

function rank(candidates: readonly Candidate[], policy: OrderingPolicy, metadata: TagMetadata | undefined): Ranking {
  switch (policy.kind) {
    case 'semver':
      return rankSemver(candidates, policy);
    case 'lexical':
      return rankLexical(candidates, policy.order);
    case 'numerical':
      return rankNumerical(candidates, policy.order);
    case 'newestBuild':
      return rankNewestBuild(candidates, metadata);
    case 'newestPush':
      return rankNewestPush(candidates, metadata);
  }
}

/** `7 tags: 4 removed by filter.exclude "*.sig", 3 by filter.include`. */
function filterSummary(total: number, rejected: readonly TagVerdict[]): string {
  const counts = new Map<string, number>();
  for (const v of rejected) counts.set(v.rule, (counts.get(v.rule) ?? 0) + 1);
  const parts = [...counts].map(([rule, n], i) => `${n} ${i === 0 ? 'removed by ' : 'by '}${rule}`);
  return `${plural(total, 'tag', 'tags')}: ${parts.join(', ')}`;
}

function byTag(a: TagVerdict, b: TagVerdict): number {
  return compareText(a.tag, b.tag);
}

function valueNote(c: Candidate): string {
  return c.value === c.tag ? '' : `value "${c.value}", `;
}

/** Choose a tag from a repository's listing under one rule; a verdict for every distinct input tag. */
export function selectTag(tags: readonly string[], rule: SelectionRule, metadata?: TagMetadata): Selection {
  const { tags: unique, invalid } = validTags(uniqueSorted(tags));
  if (unique.length === 0 && invalid.length === 0) return { kind: 'none', reason: 'the repository lists no tags', verdicts: [] };
  const selection = selectValid(unique, rule, metadata);
  // invalid names last, in tag order: after the policy's own verdicts, which keep their order
  return invalid.length === 0 ? selection : { ...selection, verdicts: [...selection.verdicts, ...invalid] };
}

function selectValid(unique: readonly string[], rule: SelectionRule, metadata: TagMetadata | undefined): Selection {
  const { policy } = rule;
  if (unique.length === 0) return { kind: 'none', reason: 'the repository lists no valid OCI tags', verdicts: [] };
  if (policy.kind === 'digest') return selectDigest(unique, policy.tag);

  const filtered = applyFilter(unique, rule.filter);
  const filterRejected = [...filtered.rejected].sort(byTag);
  if (filtered.candidates.length === 0) {
    return { kind: 'none', reason: `no tag passed the filter (${filterSummary(unique.length, filterRejected)})`, verdicts: filterRejected };
  }
  const ranked = rank(filtered.candidates, policy, metadata);
  const rejected = [...ranked.rejected, ...filterRejected].sort(byTag);
  const [best, ...rest] = ranked.ordered;
  if (best === undefined) return { kind: 'none', reason: ranked.noneReason, verdicts: rejected };

  const policyRule = `policy.${policy.kind}`;
  const count = ranked.ordered.length;
  const verdicts: TagVerdict[] = [
    { tag: best.tag, outcome: 'selected', rule: policyRule, detail: `${valueNote(best)}${ranked.winnerDetail} among ${plural(count, 'candidate', 'candidates')}` },
    ...rest.map((c, i): TagVerdict => ({ tag: c.tag, outcome: 'candidate', rule: policyRule, detail: `${valueNote(c)}ranked ${i + 2} of ${count}` })),
    ...rejected,
  ];
  return { kind: 'selected', tag: best.tag, candidates: count, verdicts };
}

/**
 * The tags whose `created` time selectTag will need: for newestBuild exactly those that pass the
 * filter (the poller fetches image configs only for these); for every other policy none.
 */
export function tagsNeedingMetadata(tags: readonly string[], rule: SelectionRule): string[] {
  if (rule.policy.kind !== 'newestBuild') return [];
  return applyFilter(validTags(uniqueSorted(tags)).tags, rule.filter).candidates.map((c) => c.tag);
}
