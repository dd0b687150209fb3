// Writes the cache snapshot soon after changes, one write at a time, and once more at shutdown.
//
// "Never downgraded silently" under ENOSPC / EROFS: a resolution is served only once the snapshot
// holding it is on disk. When a write fails, readers keep the last durable state (nothing newer is
// published), the failure is logged, and the write is retried every `retryMs` until it succeeds.
// So a restart after a failed write restores exactly what was being served, never an older answer
// than one already given; the cost is that a full disk delays new resolutions until it has room.
import type { Logger } from '../shared/log.ts';
import { saveSnapshot, SNAPSHOT_VERSION, type Snapshot } from '../cache/snapshot.ts';

export interface Persister {
  /** Asks for a write; several asks within `delayMs` become one write. */
  soon(): void;
  /** Writes now (after any write in progress) and resolves when it is on disk. */
  flush(): Promise<void>;
}

export interface PersisterOptions {
  readonly path: () => string;
  /** What to write, and what to do once it is on disk (publish it to readers). */
  readonly snapshot: () => { readonly data: Omit<Snapshot, 'version' | 'savedAt'>; readonly written: () => void };
  readonly now: () => number;
  readonly logger: Logger;
  readonly delayMs?: number;
  /** Wait before retrying a failed write (default 5 s). */
  readonly retryMs?: number;
  /**
   * The shared state of several replicas (ha/leader-role.ts): runs first; when it resolves false
   * nothing is written or published to readers. Once it succeeded the state is durable in the
   * Kubernetes API, so the file is only a warm start and a failed file write holds nothing back.
   */
  readonly publish?: (data: Omit<Snapshot, 'version' | 'savedAt'>) => Promise<boolean>;
}

export function createPersister(options: PersisterOptions): Persister {
  const delayMs = options.delayMs ?? 250;
  const retryMs = options.retryMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  function write(): Promise<void> {
    chain = chain.then(async () => {
      const started = options.now();
      const { data, written } = options.snapshot();
      if (options.publish && !(await options.publish(data))) return;
      try {
        await saveSnapshot(options.path(), { version: SNAPSHOT_VERSION, savedAt: new Date(started).toISOString(), ...data });
      } catch (err) {
        if (options.publish) options.logger.warn({ err, path: options.path() }, 'warm-start snapshot write failed; the shared state holds the resolutions');
        else {
          options.logger.error({ err, path: options.path(), retryMs }, 'cache snapshot write failed; new resolutions are held back until one is on disk');
          schedule(retryMs);
          return;
        }
      }
      written();
    });
    return chain;
  }

  function schedule(ms: number): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void write();
    }, ms);
    timer.unref();
  }

  return {
    soon() {
      schedule(delayMs);
    },
    flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      return write();
    },
  };
}
