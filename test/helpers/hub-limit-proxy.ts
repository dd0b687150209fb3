// A loopback proxy in front of a registry that meters requests the way Docker Hub documents its pull
// limit ("Docker Hub usage and limits": `ratelimit-limit: 100;w=21600` and `ratelimit-remaining:
// 76;w=21600` on its answers, a rolling window, 429 TOOMANYREQUESTS once the window is spent). It
// is stricter than Docker Hub, which counts manifest GETs only: every request forwarded counts, and
// every answer carries the two headers. `refuseFirst` answers the first requests 429 with
// `Retry-After`, the way a registry refuses when another client of the same account spent the
// window. Answers come back otherwise unchanged.
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubLimitProxy {
  readonly url: string;
  /** 127.0.0.1:PORT, as written in image references. */
  readonly host: string;
  /** Statuses answered, in order ("200", "429"…). */
  readonly answered: string[];
  /** Requests left in the window now. */
  remaining(): number;
  stop(): Promise<void>;
}

export interface HubLimitOptions {
  readonly limit: number;
  readonly windowSeconds: number;
  /** Requests already counted in the window when the proxy starts (another client of the account). */
  readonly spent?: number;
  /** The first this-many requests are answered 429 with this Retry-After (seconds). */
  readonly refuseFirst?: { readonly count: number; readonly retryAfterSeconds: number };
}

export async function startHubLimitProxy(target: string, options: HubLimitOptions): Promise<HubLimitProxy> {
  const to = new URL(target);
  const windowMs = options.windowSeconds * 1000;
  const counted: number[] = Array.from({ length: options.spent ?? 0 }, () => Date.now());
  const answered: string[] = [];
  let toRefuse = options.refuseFirst?.count ?? 0;
  const remaining = (): number => {
    while (counted.length > 0 && counted[0]! <= Date.now() - windowMs) counted.shift();
    return Math.max(0, options.limit - counted.length);
  };
  const limitHeaders = (): Record<string, string> => ({ 'ratelimit-limit': `${options.limit};w=${options.windowSeconds}`, 'ratelimit-remaining': `${remaining()};w=${options.windowSeconds}` });
  const server = createServer((req, res) => {
    if (toRefuse > 0 || remaining() === 0) {
      const retry = toRefuse > 0 ? { 'retry-after': String(options.refuseFirst!.retryAfterSeconds) } : {};
      toRefuse = Math.max(0, toRefuse - 1);
      answered.push('429');
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', ...limitHeaders(), ...retry }).end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' }] }));
      return;
    }
    counted.push(Date.now());
    const out = forward({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (answer) => {
      answered.push(String(answer.statusCode));
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...limitHeaders() });
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    answered,
    remaining,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
