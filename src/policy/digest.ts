// digest: follow one mutable tag (`stable`, `latest`) and whatever digest it points at. The filter
// does not apply: the tag is named explicitly. A missing tag is a none-reason, not an error.
import { compareText } from './order.ts';
import type { Selection, TagVerdict } from './types.ts';

export function selectDigest(uniqueTags: readonly string[], tracked: string): Selection {
  const others: TagVerdict[] = uniqueTags
    .filter((t) => t !== tracked)
    .sort(compareText)
    .map((tag) => ({ tag, outcome: 'rejected', rule: 'policy.digest', detail: `not the tracked tag "${tracked}"` }));
  if (!uniqueTags.includes(tracked)) {
    return { kind: 'none', reason: `the tracked tag "${tracked}" is not present in the repository`, verdicts: others };
  }
  const selected: TagVerdict = { tag: tracked, outcome: 'selected', rule: 'policy.digest', detail: 'the tracked tag' };
  return { kind: 'selected', tag: tracked, candidates: 1, verdicts: [selected, ...others] };
}
