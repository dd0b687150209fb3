// newestBuild: the candidate whose image was built last, by the image config `created` time the
// caller supplies (the poller fetches it only for tagsNeedingMetadata). Tags without a usable time
// are rejected with a verdict; equal times fall back to the tag (so `latest` and a commit tag on the
// same image always resolve the same way).
import { rankBy, ranking, type Keyed } from './order.ts';
import type { Candidate, Ranking, TagMetadata } from './types.ts';

export function rankNewestBuild(candidates: readonly Candidate[], metadata: TagMetadata | undefined): Ranking {
  const keyOf = (c: Candidate): Keyed<number> => {
    const created = metadata?.created.get(c.tag);
    if (created === undefined) return { ok: false, detail: 'no created time (the image config has none, or it was not fetched)', category: 'without a created time' };
    const time = Date.parse(created);
    if (Number.isNaN(time)) return { ok: false, detail: `created "${created}" is not a time`, category: 'with an unreadable created time' };
    return { ok: true, key: time };
  };
  const ranked = rankBy(candidates, 'policy.newestBuild', keyOf, (a, b) => a - b);
  const winner = ranked.ordered[0];
  const when = winner === undefined ? '' : `, created ${metadata?.created.get(winner.tag) ?? ''}`;
  return ranking(ranked, 'no candidate tag has a created time', `newest build${when}`);
}
