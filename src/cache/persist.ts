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
  /**
   * Writes now (after any write in progress) and resolves when it is on disk. With `publish`, the
   * state is served as soon as it is published; the promise still resolves after the local file.
   */
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
  /** Writes the local warm-start file when `publish` is given (default saveSnapshot). */
  readonly saveWarmStart?: typeof saveSnapshot;
}

/** Writes the newest snapshot handed to it, one write at a time; a snapshot handed in during a write replaces any older one still waiting. */
function createWarmStartWriter(options: PersisterOptions): (data: Omit<Snapshot, 'version' | 'savedAt'>, started: number) => Promise<void> {
  let waiting: { data: Omit<Snapshot, 'version' | 'savedAt'>; started: number } | undefined;
  let running: Promise<void> | undefined;
  async function drain(): Promise<void> {
    for (let next = waiting; next; next = waiting) {
      waiting = undefined;
      try {
        await (options.saveWarmStart ?? saveSnapshot)(options.path(), { version: SNAPSHOT_VERSION, savedAt: new Date(next.started).toISOString(), ...next.data });
      } catch (err) {
        options.logger.warn({ err, path: options.path() }, 'warm-start snapshot write failed; the shared state holds the resolutions');
      }
    }
  }
  return (data, started) => {
    waiting = { data, started };
    running ??= drain().finally(() => (running = undefined));
    return running;
  };
}

export function createPersister(options: PersisterOptions): Persister {
  const delayMs = options.delayMs ?? 250;
  const retryMs = options.retryMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  const warmStart = options.publish && createWarmStartWriter(options);

  /** Several replicas: once published the state is served; the local file follows without holding up the next publish. */
  async function publishThenSave(publish: NonNullable<PersisterOptions['publish']>, save: NonNullable<typeof warmStart>): Promise<{ readonly saved?: Promise<void> }> {
    const started = options.now();
    const { data, written } = options.snapshot();
    if (!(await publish(data))) return {};
    written();
    // Wrapped, so the chain (the next publish) does not wait for the file.
    return { saved: save(data, started) };
  }

  /** One replica: the snapshot is served once it is on disk; a failed write is retried and serves nothing newer. */
  async function saveThenServe(): Promise<{ readonly saved?: Promise<void> }> {
    const started = options.now();
    const { data, written } = options.snapshot();
    try {
      await saveSnapshot(options.path(), { version: SNAPSHOT_VERSION, savedAt: new Date(started).toISOString(), ...data });
    } catch (err) {
      options.logger.error({ err, path: options.path(), retryMs }, 'cache snapshot write failed; new resolutions are held back until one is on disk');
      schedule(retryMs);
      return {};
    }
    written();
    return {};
  }

  /**
   * A write asked for while an earlier one still waits its turn joins that one: it takes its snapshot
   * only when it starts, so it holds everything asked for. A burst of scans (a cold cycle of
   * thousands of repositories) thus costs one write per write time, not one per scan.
   */
  function write(): Promise<void> {
    if (queued) return queued;
    const run = chain.then(() => {
      queued = undefined;
      return options.publish && warmStart ? publishThenSave(options.publish, warmStart) : saveThenServe();
    });
    chain = run.then(() => undefined, () => undefined);
    queued = run.then(({ saved }) => saved);
    return queued;
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
