// Which tag a (watch, environment) should resolve to, given what the registry listed and what is
// being served now. Pure. The policy decides the order; this adds the product's safety rules:
//  - an active hold (an explicit, recorded rollback or pin) wins over the policy;
//  - never downgrade silently: when the current tag is no longer listed (deleted tag, partial page,
//    registry hiccup), the policy is asked again with the current tag put back; if it would still
//    pick the current tag, the current resolution is kept.
import type { Hold, PinMode, SelectionRule } from '../config/types.ts';
import type { Resolution } from '../cache/types.ts';
import { selectTag } from '../policy/select.ts';
import type { TagVerdict } from '../policy/types.ts';

export type Decision =
  | { readonly kind: 'resolve'; readonly tag: string; readonly candidates: number; readonly verdicts: readonly TagVerdict[]; readonly held?: Hold }
  | { readonly kind: 'keep'; readonly note: string; readonly candidates: number; readonly verdicts: readonly TagVerdict[] }
  | { readonly kind: 'none'; readonly reason: string; readonly verdicts: readonly TagVerdict[] };

export interface DecideInput {
  readonly tags: readonly string[];
  readonly complete: boolean;
  readonly rule: SelectionRule;
  readonly current?: Resolution;
  readonly hold?: Hold;
  /** Image `created` per tag (newest-build policy only). */
  readonly created: ReadonlyMap<string, string>;
  /** When each tag was pushed (newest-push policy only). */
  readonly pushed?: ReadonlyMap<string, string>;
  readonly now: number;
  /** The policy's choice for `tags`; callers pass a memoised one when many targets share a rule. */
  readonly select?: typeof selectTag;
}

export function holdIsActive(hold: Hold | undefined, now: number): hold is Hold {
  return hold !== undefined && (hold.until === undefined || Date.parse(hold.until) > now);
}

export function decideTag(input: DecideInput): Decision {
  const { tags, rule, current, hold } = input;
  if (holdIsActive(hold, input.now)) {
    if (tags.includes(hold.tag) || current?.tag === hold.tag) {
      return { kind: 'resolve', tag: hold.tag, candidates: 1, verdicts: [{ tag: hold.tag, outcome: 'selected', rule: 'hold', detail: hold.reason }], held: hold };
    }
    return { kind: 'none', reason: `held tag "${hold.tag}" is not in the registry`, verdicts: [] };
  }
  const selection = (input.select ?? selectTag)(tags, rule, { created: input.created, ...(input.pushed && { pushed: input.pushed }) });
  if (current !== undefined && !tags.includes(current.tag)) {
    const created = new Map(input.created);
    if (current.created !== undefined) created.set(current.tag, current.created);
    const pushed = new Map(input.pushed);
    if (current.pushedAt !== undefined) pushed.set(current.tag, current.pushedAt);
    const withCurrent = selectTag([...tags, current.tag], rule, { created, pushed });
    if (withCurrent.kind === 'selected' && withCurrent.tag === current.tag) {
      const why = input.complete ? 'no longer listed by the registry' : 'the tag list was incomplete';
      return { kind: 'keep', note: `kept ${current.tag}: ${why}; a newer tag was not found`, candidates: withCurrent.candidates, verdicts: selection.verdicts };
    }
  }
  if (selection.kind === 'none') return { kind: 'none', reason: selection.reason, verdicts: selection.verdicts };
  return { kind: 'resolve', tag: selection.tag, candidates: selection.candidates, verdicts: selection.verdicts };
}

/** The reference clusters run, per the watch's pin mode. */
export function pinnedRef(image: string, tag: string, digest: string, pin: PinMode): string {
  switch (pin) {
    case 'tag':
      return `${image}:${tag}`;
    case 'digest':
      return `${image}@${digest}`;
    case 'tag+digest':
      return `${image}:${tag}@${digest}`;
  }
}
