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
  /** Asks for a write; several asks within `delayMs` become one write (and no sooner than `spacingMs` allows). */
  soon(): void;
  /**
   * Asks for a write as soon as `spacingMs` after the last one allows: at once when no spacing is
   * left and no write is in progress, else one write when the spacing has passed, holding every ask.
   */
  prompt(): void;
  /** Writes now when a `prompt` ask is still waiting for its spacing (a push's change is served at once). */
  hurry(): void;
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
  /**
   * Least time from the end of one write to the start of the next one asked for with `soon` or
   * `prompt` (default none); `flush` does not wait for it. Read after every write.
   */
  readonly spacingMs?: () => number;
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

/** The timer of the next spaced write: kept at the earliest time asked for. */
function createTimer(fire: () => void): { at(ms: number): void; clear(): void; readonly armed: boolean } {
  let timer: NodeJS.Timeout | undefined;
  let due = Number.POSITIVE_INFINITY;
  const clear = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    due = Number.POSITIVE_INFINITY;
  };
  return {
    at(ms) {
      const when = performance.now() + ms;
      if (timer && due <= when) return;
      clear();
      due = when;
      timer = setTimeout(() => (clear(), fire()), ms);
      timer.unref();
    },
    clear,
    get armed() {
      return timer !== undefined;
    },
  };
}

type WriteOnce = () => Promise<{ readonly saved?: Promise<void> }>;

/**
 * One write at a time, in order. A write asked for while an earlier one still waits its turn joins
 * that one: it takes its snapshot only when it starts, so it holds everything asked for. A burst of
 * scans (a cold cycle of thousands of repositories) thus costs one write per write time, not one per
 * scan; with `spacingMs`, one per write time and spacing.
 */
function createWriteLoop(options: PersisterOptions, once: () => WriteOnce): Persister & { retryIn(ms: number): void } {
  const delayMs = options.delayMs ?? 250;
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  let writing = false;
  let lastEnd = Number.NEGATIVE_INFINITY;
  /** A spaced ask made while a write was in progress: its least delay, asked again when that write ends. */
  let waiting: number | undefined;
  /** A `prompt` ask not yet held by a write that started. */
  let prompted = false;
  const timer = createTimer(() => void write());

  function write(): Promise<void> {
    if (queued) return queued;
    const run = chain.then(async () => {
      queued = undefined;
      writing = true;
      prompted = false;
      try {
        return await once()();
      } finally {
        writing = false;
        lastEnd = options.now();
        const again = waiting;
        waiting = undefined;
        if (again !== undefined) spaced(again);
      }
    });
    chain = run.then(() => undefined, () => undefined);
    queued = run.then(({ saved }) => saved);
    return queued;
  }

  /** A write no sooner than `least` ms from now and the spacing after the last write. */
  function spaced(least: number): void {
    // A write waiting its turn takes its snapshot when it starts: it holds this ask already.
    if (queued) return;
    if (writing) return void (waiting = Math.max(waiting ?? 0, least));
    const delay = Math.max(least, lastEnd + (options.spacingMs?.() ?? 0) - options.now());
    if (delay <= 0 && !timer.armed) return void write();
    timer.at(Math.max(0, delay));
  }

  function flush(): Promise<void> {
    timer.clear();
    return write();
  }

  return {
    soon: () => spaced(delayMs),
    prompt() {
      prompted = true;
      spaced(0);
    },
    hurry() {
      if (prompted) void flush();
    },
    flush,
    retryIn: (ms) => timer.at(ms),
  };
}

export function createPersister(options: PersisterOptions): Persister {
  const retryMs = options.retryMs ?? 5_000;
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
      loop.retryIn(retryMs);
      return {};
    }
    written();
    return {};
  }

  const loop = createWriteLoop(options, () => (options.publish && warmStart ? () => publishThenSave(options.publish!, warmStart) : saveThenServe));
  return { soon: loop.soon, prompt: loop.prompt, hurry: loop.hurry, flush: loop.flush };
}
