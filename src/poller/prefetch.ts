// A push webhook names its tag. When that tag would rank above what a target resolves to now, the
// scan will need its digest and details whatever else the tag list shows, so they are asked for
// while the tag list is still on its way: one round trip fewer between a push and its answer.
// Only for policies that rank tags by name (semver, lexical, numerical) or track one tag (digest);
// newestBuild needs every candidate's details and newestPush's listing carries the digests itself.
import type { ResolutionCache } from '../cache/store.ts';
import { selectTag } from '../policy/select.ts';
import type { RepositoryPlan } from './plan.ts';

const BY_NAME = new Set(['semver', 'lexical', 'numerical', 'digest']);

/** At most this many named tags are looked up early (a webhook may name many). */
const MAX_EARLY = 4;

/** The named tags some target would move to, or re-read, by name alone; at most MAX_EARLY. Pure. */
export function tagsWorthLookingUpEarly(named: readonly string[], plan: RepositoryPlan, cache: ResolutionCache): string[] {
  if (plan.targets.some((t) => !BY_NAME.has(t.rule.policy.kind))) return [];
  const early = named.filter((tag) =>
    plan.targets.some((t) => {
      const current = cache.latest(t.watch.name, t.environment)?.current?.tag;
      // A re-pushed current tag (a mutable tag moved): the scan looks it up again anyway.
      if (current === tag) return true;
      const selection = selectTag(current === undefined ? [tag] : [tag, current], t.rule);
      return selection.kind === 'selected' && selection.tag === tag;
    }),
  );
  return [...new Set(early)].slice(0, MAX_EARLY);
}
