// A hostile registry on loopback: it speaks just enough of the OCI distribution spec v1.1 ("Listing
// Tags", RFC 8288 `Link: rel="next"`) to be polled, and answers every tags-list page with a huge body
// generated as it is sent (never held in memory here): `tiny` pages are millions of short distinct
// tags, `junk` pages hold a few tags then one giant string member. Every page links to another,
// endlessly. Manifests are 404. It counts pages started and bytes sent, and calls `onChunk` per
// chunk written, so a test can relate what the client answered to how far the registry had got.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type PageKind = 'tiny' | 'junk';

export interface HostileRegistry {
  readonly host: string;
  readonly url: string;
  pagesStarted(repository: string): number;
  bytesSent(repository: string): number;
  onChunk(listener: (repository: string, bytes: number) => void): void;
  stop(): Promise<void>;
}

const TAGS = /^\/v2\/(.+)\/tags\/list$/;
const CHUNK = 64 * 1024;

function* tinyPage(page: number, bytes: number): Generator<string> {
  yield '{"name":"x","tags":[';
  let n = 0;
  let sent = 0;
  while (sent < bytes) {
    const parts: string[] = [];
    let size = 0;
    while (size < CHUNK) {
      const tag = `${n === 0 && sent === 0 ? '' : ','}"${page}.${n}.0"`;
      parts.push(tag);
      size += tag.length;
      n += 1;
    }
    sent += size;
    yield parts.join('');
  }
  yield ']}';
}

function* junkPage(page: number, bytes: number): Generator<string> {
  yield `{"name":"x","tags":["${page}.0.0","${page}.1.0"],"junk":"`;
  const filler = 'j'.repeat(CHUNK);
  for (let sent = 0; sent < bytes; sent += CHUNK) yield filler;
  yield '"}';
}

export async function startHostileRegistry(options: { kinds: Readonly<Record<string, PageKind>>; pageBytes: number }): Promise<HostileRegistry> {
  const pages = new Map<string, number>();
  const bytes = new Map<string, number>();
  const listeners: Array<(repository: string, bytes: number) => void> = [];

  async function stream(res: ServerResponse, repository: string, parts: Generator<string>): Promise<void> {
    for (const part of parts) {
      if (res.destroyed) return;
      const buf = Buffer.from(part, 'utf8');
      bytes.set(repository, (bytes.get(repository) ?? 0) + buf.length);
      for (const l of listeners) l(repository, buf.length);
      if (!res.write(buf)) await new Promise<void>((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
    }
    res.end();
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/v2/' || path === '/v2') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const m = TAGS.exec(path);
    const repository = m?.[1];
    const kind = repository === undefined ? undefined : options.kinds[repository];
    if (repository === undefined || kind === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
    const page = (pages.get(repository) ?? 0) + 1;
    pages.set(repository, page);
    res.writeHead(200, { 'content-type': 'application/json', link: `</v2/${repository}/tags/list?page=${page + 1}>; rel="next"` });
    res.on('error', () => {});
    void stream(res, repository, kind === 'tiny' ? tinyPage(page, options.pageBytes) : junkPage(page, options.pageBytes));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `http://${host}`,
    pagesStarted: (r) => pages.get(r) ?? 0,
    bytesSent: (r) => bytes.get(r) ?? 0,
    onChunk: (l) => void listeners.push(l),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
