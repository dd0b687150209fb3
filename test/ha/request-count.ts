// Poll cycles as a registry sees them: each cycle of the replicas' one watch (acme/web) starts with
// its tags list, so the requests between two tags-list calls are one cycle's.
export const CYCLE_START = 'GET /v2/acme/web/tags/list';

/** The requests of cycles `from` to `to` (1-based; from 1 includes what came before the first), or undefined until cycle `to` + 1 has started. */
export function cycleRequests(seen: readonly string[], from: number, to: number): string[] | undefined {
  const starts = seen.flatMap((s, i) => (s.startsWith(CYCLE_START) ? [i] : []));
  if (starts.length < to + 1) return undefined;
  return seen.slice(from === 1 ? 0 : starts[from - 1], starts[to]);
}

/**
 * The requests of the `count` whole cycles that start after `mark` (an index into `seen`), or
 * undefined until the cycle after them has started. Counting from a mark taken once the answer is
 * settled compares steady state with steady state: on a busy machine a first cycle can time out
 * and the next one fetch what it missed, in one replica as in three.
 */
export function cyclesAfter(seen: readonly string[], mark: number, count: number): string[] | undefined {
  const starts = seen.flatMap((s, i) => (i >= mark && s.startsWith(CYCLE_START) ? [i] : []));
  if (starts.length < count + 1) return undefined;
  return seen.slice(starts[0], starts[count]);
}

/** The same requests in a fixed order, to compare two runs. */
export function sorted(requests: readonly string[]): string[] {
  return [...requests].sort();
}
