// Poll cycles as a registry sees them: each cycle of the replicas' one watch (acme/web) starts with
// its tags list, so the requests between two tags-list calls are one cycle's.
export const CYCLE_START = 'GET /v2/acme/web/tags/list';

/** The requests of cycles `from` to `to` (1-based; from 1 includes what came before the first), or undefined until cycle `to` + 1 has started. */
export function cycleRequests(seen: readonly string[], from: number, to: number): string[] | undefined {
  const starts = seen.flatMap((s, i) => (s.startsWith(CYCLE_START) ? [i] : []));
  if (starts.length < to + 1) return undefined;
  return seen.slice(from === 1 ? 0 : starts[from - 1], starts[to]);
}

/** The same requests in a fixed order, to compare two runs. */
export function sorted(requests: readonly string[]): string[] {
  return [...requests].sort();
}
