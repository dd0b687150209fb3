// A pass-through peer in front of a real registry whose tags-list replies a test can replace, for
// registry replies no real registry sends on purpose: giant tag lists, bogus `Link` headers
// (RFC 8288 syntax errors, other origins), invalid JSON. Everything else (manifests, blobs, /v2/)
// is forwarded unchanged, so digests stay real (OCI distribution-spec v1.1 "Listing Tags").
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface TagsReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body: string | Buffer;
}

export interface OddRegistry {
  readonly host: string;
  readonly url: string;
  /** Replaces GET /v2/<repository>/tags/list replies; undefined forwards the real one. */
  setTags(fn: ((repository: string, realTags: string[], query: URLSearchParams) => TagsReply | undefined) | undefined): void;
  /** Requests seen, by path. */
  paths(): readonly string[];
  stop(): Promise<void>;
}

const TAGS = /^\/v2\/(.+)\/tags\/list$/;

export async function startOddRegistry(upstream: string): Promise<OddRegistry> {
  let override: Parameters<OddRegistry['setTags']>[0];
  const seen: string[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen.push(url.pathname);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection'].includes(k)) headers[k] = v;
      const up = await request(`${upstream}${req.url ?? '/'}`, { method: (req.method ?? 'GET') as 'GET', headers });
      const body = Buffer.from(await up.body.arrayBuffer());
      const m = req.method === 'GET' ? TAGS.exec(url.pathname) : null;
      if (m?.[1] && override && up.statusCode === 200) {
        const real = (JSON.parse(body.toString('utf8')) as { tags: string[] | null }).tags ?? [];
        const reply = override(m[1], real, url.searchParams);
        if (reply) {
          const payload = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body);
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'content-length': String(payload.length), ...reply.headers });
          res.end(payload);
          return;
        }
      }
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !['connection', 'keep-alive', 'transfer-encoding'].includes(k)) out[k] = v;
      res.writeHead(up.statusCode, out);
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `http://${host}`,
    setTags: (fn) => void (override = fn),
    paths: () => [...seen],
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
