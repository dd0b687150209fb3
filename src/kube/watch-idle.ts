// A watch stream that stays open but sends nothing is indistinguishable from a quiet one unless the
// client bounds the silence. The API server ends every watch by its timeoutSeconds and, asked with
// allowWatchBookmarks, sends BOOKMARK events while it is quiet (API concepts, "Efficient detection of
// changes" and "Watch bookmarks"); a stream that sends nothing at all (no event, no bookmark) and
// does not end for longer than that is hung (a proxy that kept the connection and lost the
// server, a half-open TCP connection). This drops such a stream so the caller can list again.

/** Longest silence accepted from a watch stream by default (no event, no bookmark, no end). */
export const DEFAULT_WATCH_IDLE_MS = 90_000;

/**
 * The timeoutSeconds to ask for under an idle bound: two thirds of it, so a server that keeps to
 * the timeout always ends (or speaks on) the stream before the bound, even one that sends no bookmark.
 */
export function timeoutSecondsFor(idleMs: number): number {
  return Math.max(1, Math.floor((idleMs * 2) / 3 / 1000));
}

/**
 * Runs one watch stream (`open`) under an idle bound: every call of `alive` (each line the server
 * sends) restarts it; when it runs out the stream is aborted and `hung` is returned instead of what
 * the stream returned. `signal` aborts the stream as well.
 */
export async function withIdleBound<T>(idleMs: number, signal: AbortSignal, open: (signal: AbortSignal, alive: () => void) => Promise<T>): Promise<T | 'hung'> {
  const own = new AbortController();
  const stop = (): void => own.abort();
  signal.addEventListener('abort', stop, { once: true });
  let hung = false;
  let timer: NodeJS.Timeout | undefined;
  const alive = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      hung = true;
      own.abort();
    }, idleMs);
    timer.unref();
  };
  alive();
  try {
    const result = await open(own.signal, alive);
    return hung ? 'hung' : result;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}
