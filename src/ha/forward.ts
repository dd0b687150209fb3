// A follower's part of an operation: hand the record to the leader and wait until the shared state
// that holds it reaches this replica, so the answer means "in effect". Bounded: after
// FORWARD_TIMEOUT_MS the operator is told it was forwarded but not confirmed (check status before
// retrying; a retry would be a second record).
import type { Clock } from '../shared/clock.ts';
import { opsError } from '../operations/errors.ts';
import type { OperationsLog } from '../operations/log.ts';
import type { OperationRecord } from '../operations/types.ts';
import type { OperationChannel } from './operation-requests.ts';

export const FORWARD_TIMEOUT_MS = 10_000;

export async function forwardToLeader(deps: { operations: OperationsLog; forwarded: { channel: OperationChannel }; clock?: Clock }, record: OperationRecord, timeoutMs = FORWARD_TIMEOUT_MS): Promise<boolean> {
  const log = deps.operations;
  const seen = new Promise<boolean>((resolve) => {
    const done = (value: boolean): void => {
      clearTimeout(timer);
      stop();
      resolve(value);
    };
    const stop = log.onChange(() => {
      if (log.committed(record.id)) done(true);
    });
    const timer = setTimeout(() => done(false), timeoutMs);
  });
  try {
    await deps.forwarded.channel.send(record);
  } catch (err) {
    throw opsError('OPS_UNREACHABLE', `this replica is not the leader and cannot hand the action to it through the Kubernetes API: ${(err as Error).message}; nothing was applied, try again`);
  }
  if (await seen) return true;
  throw opsError('OPS_UNREACHABLE', `handed to the leader but not confirmed within ${timeoutMs / 1000} s; run status before retrying (it may still apply)`);
}
