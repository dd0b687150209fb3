// The one entry point for choosing a tag: filter, then the watch's policy, with a verdict for every
// distinct listed tag. The result depends only on the set of tags (registries list them unsorted,
// and pages may repeat a tag), never on their order. Pure.
import type { PolicySpec, SelectionRule } from '../config/types.ts';
import { selectDigest } from './digest.ts';
import { applyFilter } from './filter.ts';
import { rankLexical } from './lexical.ts';
import { rankNewestBuild } from './newest-build.ts';
import { rankNumerical } from './numerical.ts';
import { compareText, plural } from './order.ts';
import { rankSemver } from './semver.ts';
import type { Candidate, Ranking, Selection, TagMetadata, TagVerdict } from './types.ts';

function uniqueSorted(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort(compareText);
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
  const unique = uniqueSorted(tags);
  const { policy } = rule;
  if (unique.length === 0) return { kind: 'none', reason: 'the repository lists no tags', verdicts: [] };
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
  return applyFilter(uniqueSorted(tags), rule.filter).candidates.map((c) => c.tag);
}
