// Writes the cache snapshot soon after changes, one write at a time, and once more at shutdown.
import type { Logger } from '../shared/log.ts';
import { saveSnapshot, SNAPSHOT_VERSION, type Snapshot } from '../cache/snapshot.ts';

export interface Persister {
  /** Asks for a write; several asks within `delayMs` become one write. */
  soon(): void;
  /** Writes now (after any write in progress) and resolves when it is on disk. */
  flush(): Promise<void>;
}

export function createPersister(options: { path: () => string; snapshot: () => Omit<Snapshot, 'version' | 'savedAt'>; now: () => number; logger: Logger; delayMs?: number }): Persister {
  const delayMs = options.delayMs ?? 250;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  function write(): Promise<void> {
    chain = chain.then(async () => {
      const started = options.now();
      try {
        await saveSnapshot(options.path(), { version: SNAPSHOT_VERSION, savedAt: new Date(started).toISOString(), ...options.snapshot() });
      } catch (err) {
        // The in-memory cache keeps serving; the next change tries again.
        options.logger.error({ err, path: options.path() }, 'cache snapshot write failed');
      }
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
