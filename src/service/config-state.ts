// The config in force and what is wrong with the file right now. A refused change keeps the last
// good config running (getparams answers 503 CFG_INVALID naming the fields); listeners hear of every
// accepted change, so the parts made from the config (registry clients, poller, startup checks,
// Kubernetes client) follow it.
import { watchConfig, type ConfigWatcher } from '../config/watch.ts';
import { formatIssue } from '../config/parse.ts';
import type { Config } from '../config/types.ts';
import type { Logger } from '../shared/log.ts';

export interface ConfigState {
  current(): Config;
  /** Why the file's latest content was refused (undefined while it is the config in force). */
  error(): string | undefined;
  onChange(listener: (config: Config) => void): void;
  close(): void;
}

/** Loads the file (throwing CFG_UNREADABLE / CFG_INVALID when the first load fails) and follows it. */
export async function openConfigState(path: string, logger: Logger): Promise<ConfigState> {
  let error: string | undefined;
  const listeners: Array<(config: Config) => void> = [];
  const watcher: ConfigWatcher = await watchConfig(path, {
    logger,
    onChange(next) {
      error = undefined;
      for (const l of listeners) l(next);
      logger.info({ path, watches: next.watches.length }, 'config reloaded');
    },
    onRestored() {
      error = undefined;
    },
    onInvalid(err, issues) {
      error = issues.length > 0 ? issues.map(formatIssue).join('; ') : err.message;
      logger.error({ path, issues }, 'config change refused; the running config stays in force');
    },
  });
  return {
    current: () => watcher.current(),
    error: () => error,
    onChange: (listener) => void listeners.push(listener),
    close: () => watcher.close(),
  };
}
