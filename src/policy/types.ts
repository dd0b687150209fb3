// What the tag-selection policies take and give. Everything here is plain data: the resolve command
// prints the verdicts, the poller records the selection, the images API explains it.

export type VerdictOutcome = 'selected' | 'candidate' | 'rejected';

/** What happened to one listed tag, and which rule decided it (`filter.exclude "*.sig"`, `policy.semver`). */
export interface TagVerdict {
  readonly tag: string;
  readonly outcome: VerdictOutcome;
  readonly rule: string;
  readonly detail?: string;
}

/** The answer for one tag list: a chosen tag, or a reason nothing was chosen. Never null, never thrown. */
export type Selection =
  | { readonly kind: 'selected'; readonly tag: string; readonly candidates: number; readonly verdicts: TagVerdict[] }
  | { readonly kind: 'none'; readonly reason: string; readonly verdicts: TagVerdict[] };

/** Per-tag facts the registry supplies (newestBuild needs `created`, newestPush `pushed`). */
export interface TagMetadata {
  /** Image config `created` (ISO 8601) per tag. */
  readonly created: ReadonlyMap<string, string>;
  /** When each tag was last pushed (ISO 8601), from the registry's push-time API. */
  readonly pushed?: ReadonlyMap<string, string>;
}

/** A tag that passed the filter, with the value the policy orders (the extract result, or the tag). */
export interface Candidate {
  readonly tag: string;
  readonly value: string;
}

export interface FilterResult {
  /** In the order of the input tags. */
  readonly candidates: Candidate[];
  readonly rejected: TagVerdict[];
}

/** A policy's ordering of the candidates. */
export interface Ranking {
  /** Best first. */
  readonly ordered: Candidate[];
  /** Candidates the policy cannot order (not a version, not a number, no created time, …). */
  readonly rejected: TagVerdict[];
  /** Why nothing was selected, used when `ordered` is empty. */
  readonly noneReason: string;
  /** How the winner won, e.g. `highest version in range "^1"`. */
  readonly winnerDetail: string;
}
