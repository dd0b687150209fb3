// A loopback HTTP proxy in front of a registry that can hold one kind of request back until
// another has arrived: "hold the tag list until the HEAD of tag X is seen". It shows what a client
// sends while an earlier answer is still pending, as an event, not a timing. A hold is bounded
// (`maxHoldMs`): a client that never sends the awaited request gets its answer late, and the
// proxy records that the hold ran out.
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hold {
  /** Requests ("METHOD path") held back. */
  readonly hold: RegExp;
  /** The request ("METHOD path") that releases them. */
  readonly until: RegExp;
  readonly maxHoldMs: number;
  /** Runs once the awaited request was answered, before the held ones go on. */
  readonly afterAwaited?: () => Promise<unknown>;
}

export interface GatedProxy {
  readonly url: string;
  /** "METHOD path" of every request, in arrival order. */
  readonly seen: string[];
  /** How each request to hold went on: 'awaited' (the awaited request had come, or came) or 'ran out'. */
  readonly released: Array<'awaited' | 'ran out'>;
  arm(hold: Hold | undefined): void;
  stop(): Promise<void>;
}

export async function startGatedProxy(target: string): Promise<GatedProxy> {
  const to = new URL(target);
  const seen: string[] = [];
  const released: Array<'awaited' | 'ran out'> = [];
  let armed: Hold | undefined;
  let arrived = false;
  let waiting: Array<(how: 'awaited' | 'ran out') => void> = [];
  const release = (): void => {
    arrived = true;
    for (const go of waiting) go('awaited');
    waiting = [];
  };
  const pass = (req: IncomingMessage, res: ServerResponse): void => {
    const out = forward({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
  const server = createServer((req, res) => {
    const line = `${req.method} ${req.url}`;
    seen.push(line);
    if (armed?.until.test(line)) {
      const after = armed.afterAwaited;
      if (!after) release();
      else res.on('finish', () => void after().then(release, release));
      return pass(req, res);
    }
    const hold = armed;
    if (!hold?.hold.test(line)) return pass(req, res);
    if (arrived) return (released.push('awaited'), pass(req, res));
    let done = false;
    const go = (how: 'awaited' | 'ran out'): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      released.push(how);
      pass(req, res);
    };
    const timer = setTimeout(() => go('ran out'), hold.maxHoldMs);
    waiting.push(go);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    released,
    arm(hold) {
      armed = hold;
      arrived = false;
    },
    stop: () => new Promise<void>((resolve) => {
      for (const go of waiting) go('ran out');
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
