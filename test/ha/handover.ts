// Who wrote what around a change of leader, from the API peer's write log: the writes only a leader
// makes (Lease and state ConfigMaps: create, update, delete; a follower's rescan request is a merge
// patch of its own key and does not count), the old leader's last accepted one, the new leader's
// first, and any write of the old leader the API accepted after the new leader's first (fencing says:
// none).
import { accepted, type WriteRecord } from '../helpers/kube-api-writes.ts';

export interface Handover {
  /** Peer time of the old leader's last accepted leader write before the new leader's first. */
  readonly lastOld: number;
  /** Peer time of the new leader's first accepted leader write after `since`. */
  readonly firstNew: number;
  /** firstNew − lastOld: positive when the old leader had stopped before the new one started. */
  readonly gapMs: number;
  /** Leader writes by the old leader accepted after the new leader's first (must be empty). */
  readonly late: readonly WriteRecord[];
}

export function leaderWrites(log: readonly WriteRecord[], token: string): WriteRecord[] {
  return accepted(log).filter((w) => w.token === token && (w.resource === 'leases' || w.resource === 'configmaps') && w.verb !== 'patch');
}

/** The handover from `oldToken` to `newToken` after peer time `since`; undefined before the new leader wrote. */
export function handover(log: readonly WriteRecord[], oldToken: string, newToken: string, since: number): Handover | undefined {
  const first = leaderWrites(log, newToken).find((w) => w.at > since);
  if (!first) return undefined;
  const old = leaderWrites(log, oldToken);
  const before = old.filter((w) => w.at <= first.at);
  const lastOld = before.at(-1)?.at ?? Number.NEGATIVE_INFINITY;
  return { lastOld, firstNew: first.at, gapMs: first.at - lastOld, late: old.filter((w) => w.at > first.at) };
}
