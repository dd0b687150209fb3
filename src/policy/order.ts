// Shared ordering helpers. Ties are always broken by the tag itself in code-unit order (the tag that
// sorts last wins), so the answer never depends on the order a registry lists its tags in.
import type { Candidate, Ranking, TagVerdict } from './types.ts';

/** Code-unit order, the same on every machine (no locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type Keyed<K> = { readonly ok: true; readonly key: K } | { readonly ok: false; readonly detail: string; readonly category: string };

/**
 * Orders the candidates whose key can be computed, best first: `compare` says which key is better
 * (positive = the first is better); equal keys fall back to the tag.
 */
export function rankBy<K>(candidates: readonly Candidate[], rule: string, keyOf: (c: Candidate) => Keyed<K>, better: (a: K, b: K) => number): { ordered: Candidate[]; rejected: TagVerdict[]; categories: Map<string, number> } {
  const keyed: { candidate: Candidate; key: K }[] = [];
  const rejected: TagVerdict[] = [];
  const categories = new Map<string, number>();
  for (const candidate of candidates) {
    const k = keyOf(candidate);
    if (k.ok) keyed.push({ candidate, key: k.key });
    else {
      rejected.push({ tag: candidate.tag, outcome: 'rejected', rule, detail: k.detail });
      categories.set(k.category, (categories.get(k.category) ?? 0) + 1);
    }
  }
  keyed.sort((x, y) => better(y.key, x.key) || compareText(y.candidate.tag, x.candidate.tag));
  return { ordered: keyed.map((k) => k.candidate), rejected, categories };
}

/** `3 not semantic versions, 2 outside the range` from category counts. */
export function summarise(categories: ReadonlyMap<string, number>): string {
  return [...categories].map(([what, n]) => `${n} ${what}`).join(', ');
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Builds a Ranking with the usual none-reason shape: `<lead> (<n> candidates: <summary>)`. */
export function ranking(ranked: ReturnType<typeof rankBy>, lead: string, winnerDetail: string): Ranking {
  const total = ranked.ordered.length + ranked.rejected.length;
  const summary = summarise(ranked.categories);
  return {
    ordered: ranked.ordered,
    rejected: ranked.rejected,
    noneReason: `${lead} (${plural(total, 'candidate', 'candidates')}${summary === '' ? '' : `: ${summary}`})`,
    winnerDetail,
  };
}
