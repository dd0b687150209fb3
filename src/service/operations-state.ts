// The operations log of one replica, wired to what it governs: holds reach the poller (a changed
// hold rescans its watch's repository at once instead of waiting for the next cycle).
import type { CacheReader } from '../cache/types.ts';
import type { Config } from '../config/types.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { heldWatchesChanged } from '../operations/holds.ts';
import type { OperationsLog } from '../operations/log.ts';
import { createOperations, type MakeDurable, type Operations } from '../operations/service.ts';

export interface OperationsWiring {
  readonly log: OperationsLog;
  readonly config: () => Config;
  readonly cache: Pick<CacheReader, 'get'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly durable: MakeDurable;
  /** Rescans a repository now (the poller's, or a request to the leader). */
  readonly rescan: (image: string, reason: string) => Promise<unknown>;
}

export function wireOperations(w: OperationsWiring): Operations {
  let before = w.log.active(new Date(w.clock.now()));
  w.log.onChange(() => {
    const after = w.log.active(new Date(w.clock.now()));
    const watches = heldWatchesChanged(before, after);
    before = after;
    for (const image of new Set(w.config().watches.filter((x) => watches.has(x.name)).map((x) => x.image))) {
      void w.rescan(image, 'hold changed').catch((err: unknown) => w.logger.warn({ err: describeError(err), image }, 'rescan after a hold change failed; the next scan applies it'));
    }
  });
  return createOperations({ log: w.log, config: w.config, cache: w.cache, clock: w.clock, logger: w.logger, durable: w.durable });
}
