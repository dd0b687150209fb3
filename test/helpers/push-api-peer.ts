// A loopback peer serving the registries' push-time APIs (shapes in push-api-shapes.ts, each citing
// its vendor document) for a set of repositories the test controls. Every request is counted by
// API and path, so tests assert how many pages a listing cost. An optional Authorization value is
// required on every request (401 otherwise), like a private repository. With `hubLogin`, Docker Hub's
// tags API wants a Bearer token from `POST /v2/auth/token` (push-api-hub-login.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHubTokens, type HubTokens } from './push-api-hub-login.ts';
import { acrPage, dockerHubPage, garPage, harborPage, quayPage, type PeerPage, type PeerTag } from './push-api-shapes.ts';

export type { PeerTag };
export type PushApiKind = 'dockerhub' | 'harbor' | 'quay' | 'acr' | 'gar';

export interface PushApiPeer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Replaces a repository's tags (path as in image references, e.g. `library/app`). */
  setTags(repository: string, tags: readonly PeerTag[]): void;
  count(kind?: PushApiKind): number;
  requests(): ReadonlyArray<{ kind: PushApiKind | 'unknown'; path: string; authorization?: string }>;
  resetCounts(): void;
  /** Docker Hub API logins (with `hubLogin`). */
  readonly hub: HubTokens;
  stop(): Promise<void>;
}

const ROUTES: ReadonlyArray<{ kind: PushApiKind; pattern: RegExp }> = [
  { kind: 'dockerhub', pattern: /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)\/tags$/ },
  { kind: 'harbor', pattern: /^\/api\/v2\.0\/projects\/([^/]+)\/repositories\/([^/]+)\/artifacts$/ },
  { kind: 'quay', pattern: /^\/api\/v1\/repository\/(.+)\/tag\/$/ },
  { kind: 'acr', pattern: /^\/acr\/v1\/(.+)\/_tags$/ },
  { kind: 'gar', pattern: /^\/v1\/(projects\/([^/]+)\/locations\/[^/]+\/repositories\/([^/]+))\/dockerImages$/ },
];

export interface PushApiPeerOptions {
  /** Required on every request (401 otherwise). */
  readonly authorization?: string;
  /** Write this origin into Docker Hub's absolute `next` links instead of our own (a client must not follow it). */
  readonly nextOrigin?: string;
  /** Docker Hub's API login: the user name and secret `POST /v2/auth/token` accepts. */
  readonly hubLogin?: { readonly identifier: string; readonly secret: string };
}

export async function startPushApiPeer(options: PushApiPeerOptions = {}): Promise<PushApiPeer> {
  const repos = new Map<string, readonly PeerTag[]>();
  const seen: Array<{ kind: PushApiKind | 'unknown'; path: string; authorization?: string }> = [];
  let origin = '';
  const hub = createHubTokens(options.hubLogin);

  function answer(kind: PushApiKind, m: RegExpExecArray, path: string, query: URLSearchParams): PeerPage {
    const tagsOf = (repository: string): PeerPage | readonly PeerTag[] => repos.get(repository) ?? { status: 404, headers: {}, body: { errors: [{ code: 'NOT_FOUND', message: `repository ${repository} not found` }] } };
    const page = (repository: string, shape: (tags: readonly PeerTag[]) => PeerPage): PeerPage => {
      const tags = tagsOf(repository);
      return Array.isArray(tags) ? shape(tags) : (tags as PeerPage);
    };
    switch (kind) {
      case 'dockerhub':
        return page(`${m[1]}/${m[2]}`, (t) => dockerHubPage(options.nextOrigin ?? origin, path, query, t));
      case 'harbor':
        // the swagger has repository names with `/` encoded twice: %252F on the wire, %2F after one decoding
        return page(`${m[1]}/${decodeURIComponent(m[2]!)}`, (t) => harborPage(path, query, t));
      case 'quay':
        return page(m[1]!, (t) => quayPage(query, t));
      case 'acr':
        return page(m[1]!, (t) => acrPage(m[1]!, query, t));
      case 'gar': {
        const prefix = `${m[2]}/${m[3]}/`;
        const images = new Map([...repos].filter(([r]) => r.startsWith(prefix)).map(([r, t]) => [r.slice(prefix.length), t]));
        return garPage(m[1]!, query, images);
      }
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', origin);
    if (req.method === 'POST' && url.pathname === '/v2/auth/token') return void hub.serve(req, res);
    // match on the path as sent (Harbor's double encoding must survive one decoding step)
    const path = url.pathname;
    const route = ROUTES.map((r) => ({ kind: r.kind, m: r.pattern.exec(decodeURIComponent(path)) })).find((r) => r.m !== null);
    const authorization = req.headers.authorization;
    seen.push({ kind: route?.kind ?? 'unknown', path, ...(authorization !== undefined && { authorization }) });
    let page: PeerPage;
    if (req.method !== 'GET' || route === undefined || route.m === null) page = { status: 404, headers: {}, body: { message: 'not found' } };
    else if (options.authorization !== undefined && authorization !== options.authorization) page = { status: 401, headers: {}, body: { message: 'unauthorized' } };
    else if (options.hubLogin !== undefined && route.kind === 'dockerhub' && !hub.valid(authorization)) page = { status: 401, headers: {}, body: { detail: 'Authentication credentials were not provided or are invalid.' } };
    else page = answer(route.kind, route.m, path, url.searchParams);
    res.writeHead(page.status, { 'content-type': 'application/json', ...page.headers });
    res.end(JSON.stringify(page.body));
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    setTags: (repository, tags) => void repos.set(repository, tags),
    count: (kind) => seen.filter((s) => kind === undefined || s.kind === kind).length,
    requests: () => [...seen],
    resetCounts: () => void seen.splice(0),
    hub,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
