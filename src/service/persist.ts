// Writes the cache snapshot soon after changes, one write at a time, and once more at shutdown.
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
}

export function createPersister(options: PersisterOptions): Persister {
  const delayMs = options.delayMs ?? 250;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  function write(): Promise<void> {
    chain = chain.then(async () => {
      const started = options.now();
      const { data, written } = options.snapshot();
      try {
        await saveSnapshot(options.path(), { version: SNAPSHOT_VERSION, savedAt: new Date(started).toISOString(), ...data });
      } catch (err) {
        // Fresh resolutions are still served (freshness over a full disk), but a crash before the
        // next good write may bring back older ones: say so loudly.
        options.logger.error({ err, path: options.path() }, 'cache snapshot write failed; serving unpersisted resolutions');
      }
      written();
    });
    return chain;
  }

  return {
    soon() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void write();
      }, delayMs);
      timer.unref();
    },
    flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      return write();
    },
  };
}
