// lexical: plain code-unit string order (no locale). `asc` picks the greatest value, `desc` the
// smallest (Flux's alphabetical policy has the same meaning for `order`).
import type { SortOrder } from '../config/types.ts';
import { compareText, rankBy, ranking } from './order.ts';
import type { Candidate, Ranking } from './types.ts';

export function rankLexical(candidates: readonly Candidate[], order: SortOrder): Ranking {
  const sign = order === 'asc' ? 1 : -1;
  const ranked = rankBy(candidates, 'policy.lexical', (c) => ({ ok: true, key: c.value }), (a, b) => sign * compareText(a, b));
  return ranking(ranked, 'no candidate tags', order === 'asc' ? 'greatest value in code-unit order' : 'smallest value in code-unit order');
}
