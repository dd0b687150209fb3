// Picks up a changed config file without a restart. Kubernetes updates a ConfigMap volume by writing a
// new timestamped directory and atomically renaming a `..data` symlink over the old one
// (kubelet AtomicWriter: pkg/volume/util/atomic_writer.go), so the file's own inode never changes:
// watch the directory, debounce, and re-read the file by path. fs.watch is not available everywhere
// (some network file systems), so an interval re-check runs as well. A new file that fails to parse
// is refused and the running config kept; content identical to what was last seen changes nothing.
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../shared/log.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { CFG_UNREADABLE } from './errors.ts';
import { invalidConfigError, parseConfigTextOffThread, readConfigText } from './load.ts';
import type { Config, ConfigIssue } from './types.ts';

export interface ConfigWatchOptions {
  /** A new valid config replaced the running one. */
  onChange(config: Config): void;
  /** A changed file was refused (CFG_INVALID with its issues, or CFG_UNREADABLE with none); the running config stays. */
  onInvalid(error: AppError, issues: readonly ConfigIssue[]): void;
  /** A refused file was put back to the running config's content: the invalid state is over. */
  onRestored?(): void;
  logger: Logger;
  /** Quiet time after a file-system event before re-reading (ms, default 200). */
  debounceMs?: number;
  /** Fallback re-check period (ms, default 30 000). */
  recheckMs?: number;
  /** Use fs.watch on the directory (default true); the interval re-check runs either way. */
  watchDirectory?: boolean;
}

export interface ConfigWatcher {
  /** The config in force: the first one loaded or the last valid change. */
  current(): Config;
  close(): void;
}

/** What the watcher knows between checks. */
interface WatchState {
  config: Config;
  /** The content of the config in force. */
  acceptedText: string;
  /** The content the last check saw; undefined while the file cannot be read. */
  seenText: string | undefined;
  closed: boolean;
}

function refuse(file: string, options: ConfigWatchOptions, error: AppError, issues: readonly ConfigIssue[]): void {
  options.logger.warn({ file, code: error.code, reason: error.message, issues }, 'config change refused; keeping the running config');
  options.onInvalid(error, issues);
}

/** Reads the file once and decides: unreadable, unchanged, back to the running config, refused or accepted. */
async function checkOnce(file: string, state: WatchState, options: ConfigWatchOptions): Promise<void> {
  const { logger } = options;
  let text: string;
  try {
    text = await readConfigText(file);
  } catch (err) {
    if (state.seenText !== undefined) {
      state.seenText = undefined;
      refuse(file, options, isAppError(err) ? err : new AppError(CFG_UNREADABLE, `cannot read config file ${file}`, { cause: err }), []);
    }
    return;
  }
  if (text === state.seenText) {
    logger.debug({ file }, 'config file unchanged');
    return;
  }
  state.seenText = text;
  if (text === state.acceptedText) {
    logger.info({ file }, 'config file is back to the running config');
    options.onRestored?.();
    return;
  }
  const result = await parseConfigTextOffThread(text, file);
  if (state.closed) return;
  if (!result.ok) return refuse(file, options, invalidConfigError(file, result.issues), result.issues);
  state.config = result.config;
  state.acceptedText = text;
  logger.info({ file, watches: result.config.watches.length, registries: result.config.registries.length }, 'config reloaded');
  options.onChange(result.config);
}

/** Runs `task` one at a time: a run requested while one is under way makes it run once more. */
function serialised(task: () => Promise<void>, isClosed: () => boolean, onError: (err: unknown) => void): () => Promise<void> {
  let running = false;
  let again = false;
  return async () => {
    if (isClosed()) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await task();
      } while (again && !isClosed());
    } catch (err) {
      onError(err);
    } finally {
      running = false;
    }
  };
}

/** fs.watch on the file's directory, or undefined where the file system offers none. */
function watchDirectoryOf(file: string, logger: Logger, onEvent: () => void): FSWatcher | undefined {
  try {
    const watcher = watch(dirname(file), { persistent: false }, onEvent);
    watcher.on('error', (err) => logger.warn({ file, err }, 'config directory watch failed; relying on the periodic re-check'));
    return watcher;
  } catch (err) {
    logger.warn({ file, err }, 'cannot watch the config directory; relying on the periodic re-check');
    return undefined;
  }
}

/** Loads the file (throwing CFG_UNREADABLE / CFG_INVALID if the first load fails), then follows it. */
export async function watchConfig(file: string, options: ConfigWatchOptions): Promise<ConfigWatcher> {
  const firstText = await readConfigText(file);
  const first = await parseConfigTextOffThread(firstText, file);
  if (!first.ok) throw invalidConfigError(file, first.issues);

  const state: WatchState = { config: first.config, acceptedText: firstText, seenText: firstText, closed: false };
  const check = serialised(() => checkOnce(file, state, options), () => state.closed, (err) => options.logger.error({ file, err }, 'config change handler failed'));
  let debounce: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (state.closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void check(), options.debounceMs ?? 200);
    debounce.unref();
  };
  const watcher = options.watchDirectory === false ? undefined : watchDirectoryOf(file, options.logger, schedule);
  const interval = setInterval(() => void check(), options.recheckMs ?? 30_000);
  interval.unref();

  return {
    current: () => state.config,
    close() {
      state.closed = true;
      clearTimeout(debounce);
      clearInterval(interval);
      watcher?.close();
    },
  };
}
