// The one way tests and benchmarks wait for something to become true: a probe asked again until it
// answers, always under a deadline, and a timeout message that names what was awaited. A probe that
// throws fails the wait at once (a broken probe is a bug, not "not yet"), unless the caller says a
// thrown error is part of waiting (a service still starting refuses connections).

export interface UntilOptions {
  /** What is awaited, for the timeout message ("the new leader serves 1.1.0"); a function is read when the wait fails. */
  readonly what: string | (() => string);
  /** How long to keep asking before failing (default 90 s: generous, as a busy machine is the normal case; a two-core machine at load 40 runs a one-second step in about twenty). */
  readonly deadlineMs?: number;
  /** Pause between two probes when nothing wakes the wait earlier (default 20 ms). */
  readonly everyMs?: number;
  /** Treat an error thrown by the probe as "not yet"; the last one is named in the timeout message. */
  readonly retryErrors?: boolean;
  /** Event-driven waits: subscribe `again` to whatever changes the answer; returns the unsubscribe. */
  readonly wake?: (again: () => void) => () => void;
}

const DEFAULT_DEADLINE_MS = 90_000;
const DEFAULT_EVERY_MS = 20;

/** The probe's first answer other than undefined or false; throws once the deadline has passed. */
export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, options: UntilOptions): Promise<T> {
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const end = Date.now() + deadlineMs;
  let wakeUp: (() => void) | undefined;
  const unsubscribe = options.wake?.(() => wakeUp?.());
  let lastError: unknown;
  try {
    for (;;) {
      try {
        const value = await probe();
        if (value !== undefined && value !== false) return value;
      } catch (err) {
        if (!options.retryErrors) throw err;
        lastError = err;
      }
      if (Date.now() > end) throw new Error(timeoutMessage(options, deadlineMs, lastError));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(options.everyMs ?? DEFAULT_EVERY_MS, Math.max(0, end - Date.now()) + 1));
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  } finally {
    unsubscribe?.();
  }
}

function timeoutMessage(options: UntilOptions, deadlineMs: number, lastError: unknown): string {
  const what = typeof options.what === 'function' ? options.what() : options.what;
  const cause = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
  return `timed out after ${deadlineMs} ms waiting for ${what}${cause}`;
}
