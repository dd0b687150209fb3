// A loopback proxy in front of a registry that meters it the way Docker Hub does: at most `limit`
// requests per rolling `windowSeconds` per credential (the Basic user name, else the bearer token,
// else anonymous), every answer carrying `ratelimit-limit: 100;w=21600` and
// `ratelimit-remaining: 76;w=21600`, and a request beyond the limit answered 429 TOOMANYREQUESTS with
// remaining 0 (docs.docker.com "Docker Hub usage and limits": the headers; the IETF draft
// "RateLimit header fields for HTTP": the `;w=` window in seconds). Time comes from the given clock,
// so a simulation can run hours of it. Counts what it forwarded and what it refused.
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/shared/clock.ts';

export interface LimitingProxy {
  readonly url: string;
  readonly host: string;
  /** Requests forwarded to the registry ("METHOD /path"), in arrival order. */
  readonly forwarded: string[];
  /** Requests answered 429 (nothing forwarded). */
  readonly refused: string[];
  /** Requests received whose answer has not been sent yet. */
  readonly inFlight: number;
  stop(): Promise<void>;
}

export interface LimitingProxyOptions {
  readonly target: string;
  readonly clock: Clock;
  readonly limit: number;
  readonly windowSeconds: number;
}

function credentialOf(authorization: string | undefined): string {
  if (authorization?.startsWith('Basic ')) return `user:${Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':')[0]}`;
  if (authorization?.startsWith('Bearer ')) return `token:${authorization.slice(7)}`;
  return 'anonymous';
}

export async function startLimitingProxy(options: LimitingProxyOptions): Promise<LimitingProxy> {
  const to = new URL(options.target);
  const windowMs = options.windowSeconds * 1000;
  const sent = new Map<string, number[]>();
  const forwarded: string[] = [];
  const refused: string[] = [];
  let inFlight = 0;
  const header = (n: number): string => `${n};w=${options.windowSeconds}`;
  const server = createServer((req, res) => {
    inFlight += 1;
    res.on('close', () => void (inFlight -= 1));
    const now = options.clock.now();
    const key = credentialOf(req.headers.authorization);
    const log = (sent.get(key) ?? []).filter((t) => t > now - windowMs);
    sent.set(key, log);
    const line = `${req.method} ${req.url}`;
    if (log.length >= options.limit) {
      refused.push(line);
      const body = JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' }] });
      res.writeHead(429, { 'content-type': 'application/json', 'ratelimit-limit': header(options.limit), 'ratelimit-remaining': header(0) }).end(body);
      return;
    }
    log.push(now);
    forwarded.push(line);
    const limits = { 'ratelimit-limit': header(options.limit), 'ratelimit-remaining': header(options.limit - log.length) };
    const out = forward({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (answer) => {
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
    get inFlight() {
      return inFlight;
    },
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
