// A hung watch on the loopback Kubernetes API peer (kube-api.ts): an armed watch request is answered
// 200 with its headers and then nothing at all: no event, no BOOKMARK though the client asked for
// them, and no end at its timeoutSeconds, as a proxy that kept the connection and lost the API
// server would behave. The API concepts ("Efficient detection of changes", "Watch bookmarks") give a
// client no other sign of life than events, bookmarks and the stream's end, so only a bound on the
// silence finds it. The peer records each such answer's query and whether the client hung up.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { armedWatches, type ArmedWatches } from './kube-api-armed.ts';

export interface SilentAnswer {
  /** The watch request's query (allowWatchBookmarks, timeoutSeconds, resourceVersion). */
  readonly query: URLSearchParams;
  hungUp: boolean;
}

/** Armed watch requests are held open silently. */
export interface SilentWatches extends ArmedWatches {
  serve(req: IncomingMessage, res: ServerResponse, url: URL): void;
  readonly answers: readonly SilentAnswer[];
}

export function createSilentWatches(): SilentWatches {
  const answers: SilentAnswer[] = [];
  return {
    ...armedWatches(),
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
