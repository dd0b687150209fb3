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

/** Loads the file (throwing CFG_UNREADABLE / CFG_INVALID if the first load fails), then follows it. */
export async function watchConfig(file: string, options: ConfigWatchOptions): Promise<ConfigWatcher> {
  const { logger } = options;
  const firstText = await readConfigText(file);
  const first = await parseConfigTextOffThread(firstText, file);
  if (!first.ok) throw invalidConfigError(file, first.issues);

  let config = first.config;
  let acceptedText = firstText;
  /** The content the last check saw; undefined while the file cannot be read. */
  let seenText: string | undefined = firstText;
  let closed = false;
  let running = false;
  let again = false;
  let debounce: NodeJS.Timeout | undefined;

  function refuse(error: AppError, issues: readonly ConfigIssue[]): void {
    logger.warn({ file, code: error.code, reason: error.message, issues }, 'config change refused; keeping the running config');
    options.onInvalid(error, issues);
  }

  async function checkOnce(): Promise<void> {
    let text: string;
    try {
      text = await readConfigText(file);
    } catch (err) {
      if (seenText !== undefined) {
        seenText = undefined;
        refuse(isAppError(err) ? err : new AppError(CFG_UNREADABLE, `cannot read config file ${file}`, { cause: err }), []);
      }
      return;
    }
    if (text === seenText) {
      logger.debug({ file }, 'config file unchanged');
      return;
    }
    seenText = text;
    if (text === acceptedText) {
      logger.info({ file }, 'config file is back to the running config');
      options.onRestored?.();
      return;
    }
    const result = await parseConfigTextOffThread(text, file);
    if (closed) return;
    if (!result.ok) return refuse(invalidConfigError(file, result.issues), result.issues);
    config = result.config;
    acceptedText = text;
    logger.info({ file, watches: config.watches.length, registries: config.registries.length }, 'config reloaded');
    options.onChange(config);
  }

  /** Serialised: a check requested while one runs makes it run once more. */
  async function check(): Promise<void> {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await checkOnce();
      } while (again && !closed);
    } catch (err) {
      logger.error({ file, err }, 'config change handler failed');
    } finally {
      running = false;
    }
  }

  function schedule(): void {
    if (closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void check(), options.debounceMs ?? 200);
    debounce.unref();
  }

  let watcher: FSWatcher | undefined;
  if (options.watchDirectory !== false) {
    try {
      watcher = watch(dirname(file), { persistent: false }, schedule);
      watcher.on('error', (err) => logger.warn({ file, err }, 'config directory watch failed; relying on the periodic re-check'));
    } catch (err) {
      logger.warn({ file, err }, 'cannot watch the config directory; relying on the periodic re-check');
    }
  }
  const interval = setInterval(() => void check(), options.recheckMs ?? 30_000);
  interval.unref();

  return {
    current: () => config,
    close() {
      closed = true;
      clearTimeout(debounce);
      clearInterval(interval);
      watcher?.close();
    },
  };
}
