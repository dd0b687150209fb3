// newestPush: the candidate pushed last, by the push time the registry's own API reports per tag
// (Docker Hub `tag_last_pushed`, Harbor `push_time`, Quay `start_ts`, ACR `lastUpdateTime`, GAR
// `uploadTime`, ECR `imagePushedAt`; the registry client reads them with the tag listing). A tag the
// API did not time is rejected with a verdict; equal times fall back to the tag, as everywhere.
import { rankBy, ranking, type Keyed } from './order.ts';
import type { Candidate, Ranking, TagMetadata } from './types.ts';

export function rankNewestPush(candidates: readonly Candidate[], metadata: TagMetadata | undefined): Ranking {
  const keyOf = (c: Candidate): Keyed<number> => {
    const pushed = metadata?.pushed?.get(c.tag);
    if (pushed === undefined) return { ok: false, detail: 'no push time (the registry API did not list this tag)', category: 'without a push time' };
    const time = Date.parse(pushed);
    if (Number.isNaN(time)) return { ok: false, detail: `push time "${pushed}" is not a time`, category: 'with an unreadable push time' };
    return { ok: true, key: time };
  };
  const ranked = rankBy(candidates, 'policy.newestPush', keyOf, (a, b) => a - b);
  const winner = ranked.ordered[0];
  const when = winner === undefined ? '' : `, pushed ${metadata?.pushed?.get(winner.tag) ?? ''}`;
  return ranking(ranked, 'no candidate tag has a push time', `newest push${when}`);
}
