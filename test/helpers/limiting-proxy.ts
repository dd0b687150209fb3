// A loopback proxy in front of a registry that meters it the way Docker Hub does: at most `limit`
// requests per rolling `windowSeconds` per credential (the Basic user name, else the bearer token,
// else anonymous), every answer carrying `ratelimit-limit: 100;w=21600` and
// `ratelimit-remaining: 76;w=21600`, and a request beyond the limit answered 429 TOOMANYREQUESTS with
// remaining 0 (docs.docker.com "Docker Hub usage and limits": the headers; the IETF draft
// "RateLimit header fields for HTTP": the `;w=` window in seconds). It is stricter than Docker Hub,
// which counts manifest GETs only: every request forwarded counts. Time comes from the given clock
// (the system's by default), so a simulation can run hours of it. `spent` starts each credential's
// window part used (another client of the same account); `refuseFirst` answers the first requests
// 429 with `Retry-After`, the way a registry refuses when that other client spent the window.
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../src/shared/clock.ts';

export interface LimitingProxy {
  readonly url: string;
  /** 127.0.0.1:PORT, as written in image references. */
  readonly host: string;
  /** Requests forwarded to the registry ("METHOD /path"), in arrival order. */
  readonly forwarded: string[];
  /** Requests answered 429 (nothing forwarded). */
  readonly refused: string[];
  /** Statuses answered, in order ("200", "429"…). */
  readonly answered: string[];
  /** Requests received whose answer has not been sent yet. */
  readonly inFlight: number;
  /** Requests left in the window now for a credential (by default the last one that asked). */
  remaining(credential?: string): number;
  stop(): Promise<void>;
}

export interface LimitingProxyOptions {
  readonly target: string;
  readonly clock?: Clock;
  readonly limit: number;
  readonly windowSeconds: number;
  /** Requests already counted in each credential's window when it first asks. */
  readonly spent?: number;
  /** The first this-many requests are answered 429 with this Retry-After (seconds). */
  readonly refuseFirst?: { readonly count: number; readonly retryAfterSeconds: number };
}

function credentialOf(authorization: string | undefined): string {
  if (authorization?.startsWith('Basic ')) return `user:${Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':')[0]}`;
  if (authorization?.startsWith('Bearer ')) return `token:${authorization.slice(7)}`;
  return 'anonymous';
}

const TOO_MANY = JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' }] });

/** Each credential's requests in the rolling window, seeded with `spent` when first seen. */
function windows(options: LimitingProxyOptions, clock: Clock): (key: string) => number[] {
  const windowMs = options.windowSeconds * 1000;
  const sent = new Map<string, number[]>();
  return (key) => {
    const now = clock.now();
    const log = (sent.get(key) ?? Array.from({ length: options.spent ?? 0 }, () => now)).filter((t) => t > now - windowMs);
    sent.set(key, log);
    return log;
  };
}

export async function startLimitingProxy(options: LimitingProxyOptions): Promise<LimitingProxy> {
  const to = new URL(options.target);
  const clock = options.clock ?? systemClock;
  const windowOf = windows(options, clock);
  const forwarded: string[] = [];
  const refused: string[] = [];
  const answered: string[] = [];
  let inFlight = 0;
  let toRefuse = options.refuseFirst?.count ?? 0;
  let lastKey = 'anonymous';
  const header = (n: number): string => `${n};w=${options.windowSeconds}`;
  const server = createServer((req, res) => {
    inFlight += 1;
    res.on('close', () => void (inFlight -= 1));
    lastKey = credentialOf(req.headers.authorization);
    const log = windowOf(lastKey);
    const line = `${req.method} ${req.url}`;
    if (toRefuse > 0 || log.length >= options.limit) {
      const retry = toRefuse > 0 ? { 'retry-after': String(options.refuseFirst!.retryAfterSeconds) } : {};
      toRefuse = Math.max(0, toRefuse - 1);
      refused.push(line);
      answered.push('429');
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'ratelimit-limit': header(options.limit), 'ratelimit-remaining': header(Math.max(0, options.limit - log.length)), ...retry }).end(TOO_MANY);
      return;
    }
    log.push(clock.now());
    forwarded.push(line);
    const limits = { 'ratelimit-limit': header(options.limit), 'ratelimit-remaining': header(options.limit - log.length) };
    const out = forward({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (answer) => {
      answered.push(String(answer.statusCode));
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...limits });
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
    forwarded,
    refused,
    answered,
    get inFlight() {
      return inFlight;
    },
    remaining: (credential = lastKey) => Math.max(0, options.limit - windowOf(credential).length),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
