// A misbehaving API server for the loopback peer (kube-api.ts): a watch answered 200 whose body is
// the start of an event line that never ends (no newline, the separator of watch events in the API
// concepts, "Efficient detection of changes"). A client that buffers the line without a bound keeps
// reading until `capBytes`; a bounded one hangs up early. The peer counts what it sent.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { armedWatches, type ArmedWatches } from './kube-api-armed.ts';

/** Armed watch requests get an endless line instead of events. */
export interface EndlessLines extends ArmedWatches {
  serve(req: IncomingMessage, res: ServerResponse): void;
  /** Bytes sent per endless answer, and whether the client hung up before the cap. */
  readonly answers: ReadonlyArray<{ readonly sent: number; readonly hungUp: boolean }>;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

export function createEndlessLines(capBytes = 64 * 1024 * 1024): EndlessLines {
  const answers: Array<{ sent: number; hungUp: boolean }> = [];
  return {
    ...armedWatches(),
    serve(req, res) {
      const answer = { sent: 0, hungUp: false };
      answers.push(answer);
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.write('{"type":"ADDED","object":{"metadata":{"name":"');
      res.on('close', () => void (answer.hungUp = answer.sent < capBytes));
      const pump = (): void => {
        while (answer.sent < capBytes && !res.destroyed) {
          answer.sent += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      req.socket.setNoDelay(true);
      pump();
    },
    answers,
  };
}
