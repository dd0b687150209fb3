// A hung watch on the loopback Kubernetes API peer (kube-api.ts): an armed watch request is answered
// 200 with its headers and then nothing at all: no event, no BOOKMARK though the client asked for
// them, and no end at its timeoutSeconds, as a proxy that kept the connection and lost the API
// server would behave. The API concepts ("Efficient detection of changes", "Watch bookmarks") give a
// client no other sign of life than events, bookmarks and the stream's end, so only a bound on the
// silence finds it. The peer records each such answer's query and whether the client hung up.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SilentAnswer {
  /** The watch request's query (allowWatchBookmarks, timeoutSeconds, resourceVersion). */
  readonly query: URLSearchParams;
  hungUp: boolean;
}

export interface SilentWatches {
  /** The next `count` watch requests are held open silently. */
  arm(count?: number): void;
  /** True (and one armed watch used) when this watch request is to be held open silently. */
  takes(verb: string): boolean;
  serve(req: IncomingMessage, res: ServerResponse, url: URL): void;
  readonly answers: readonly SilentAnswer[];
}

export function createSilentWatches(): SilentWatches {
  let armed = 0;
  const answers: SilentAnswer[] = [];
  return {
    arm: (count = 1) => void (armed = count),
    takes(verb) {
      if (verb !== 'watch' || armed === 0) return false;
      armed -= 1;
      return true;
    },
    serve(req, res, url) {
      const answer: SilentAnswer = { query: new URLSearchParams(url.searchParams), hungUp: false };
      answers.push(answer);
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      req.socket.on('close', () => void (answer.hungUp = true));
    },
    answers,
  };
}
