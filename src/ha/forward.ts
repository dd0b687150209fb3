// A follower's part of an operation: hand the record to the leader and wait until the shared state
// that holds it reaches this replica, so the answer means "in effect". Bounded: after
// FORWARD_TIMEOUT_MS the operator is told it was forwarded but not confirmed (check status before
// retrying; a retry would be a second record). When the leader refuses the action, the follower
// answers with the leader's own error (code and message), as soon as it is recorded.
import type { Clock } from '../shared/clock.ts';
import { isOpsCode, opsError } from '../operations/errors.ts';
import type { OperationsLog } from '../operations/log.ts';
import type { OperationRecord } from '../operations/types.ts';
import { AppError } from '../shared/errors.ts';
import type { OperationChannel, Refusal } from './operation-requests.ts';

export const FORWARD_TIMEOUT_MS = 10_000;

/** The leader's refusal as this replica's error: the same code (an operations code, else OPS_NOT_DURABLE) and message. */
function refusalError(r: Refusal): AppError {
  const known = isOpsCode(r.code) ? r.code : 'OPS_NOT_DURABLE';
  return opsError(known, `the leader refused the action: ${r.message}`);
}

export async function forwardToLeader(deps: { operations: OperationsLog; forwarded: { channel: OperationChannel }; clock?: Clock }, record: OperationRecord, timeoutMs = FORWARD_TIMEOUT_MS): Promise<boolean> {
  const log = deps.operations;
  const stopWatching = new AbortController();
  const seen = new Promise<boolean | Refusal>((resolve) => {
    const done = (value: boolean | Refusal): void => {
      clearTimeout(timer);
      stop();
      stopWatching.abort();
      resolve(value);
    };
    const stop = log.onChange(() => {
      if (log.committed(record.id)) done(true);
    });
    const timer = setTimeout(() => done(false), timeoutMs);
    void deps.forwarded.channel.refusal(record.id, stopWatching.signal).then(done);
  });
  try {
    await deps.forwarded.channel.send(record);
  } catch (err) {
    stopWatching.abort();
    throw opsError('OPS_UNREACHABLE', `this replica is not the leader and cannot hand the action to it through the Kubernetes API: ${(err as Error).message}; nothing was applied, try again`);
  }
  const outcome = await seen;
  if (outcome === true) return true;
  if (outcome !== false) throw refusalError(outcome);
  throw opsError('OPS_UNREACHABLE', `handed to the leader but not confirmed within ${timeoutMs / 1000} s; run status before retrying (it may still apply)`);
}
