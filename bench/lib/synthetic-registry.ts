// A loopback registry that makes its content up, for benchmarks that need more tags than the real
// registry can be seeded with in seconds (100,000 tags). It implements the read side of the OCI
// distribution spec (https://github.com/opencontainers/distribution-spec/blob/main/spec.md):
// `GET /v2/`, `GET /v2/<name>/tags/list` with `n`/`last` and `Link: <…>; rel="next"`,
// `HEAD`/`GET /v2/<name>/manifests/<tag|digest>` with `Docker-Content-Digest`, and
// `GET /v2/<name>/blobs/<digest>` for image configs. Repositories are `synth/r<i>` holding tags
// `1.<j>.0` whose image `created` grows with j.
import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface SyntheticRegistry {
  readonly host: string;
  readonly url: string;
  readonly requests: Record<string, number>;
  stop(): Promise<void>;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function sha(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function configFor(repo: string, tag: string, j: number, salt: string): string {
  const created = new Date(Date.UTC(2026, 0, 1) + j * 60_000).toISOString();
  return JSON.stringify({ created, architecture: 'amd64', os: 'linux', config: { Labels: { ref: `${salt}${repo}:${tag}` } }, rootfs: { type: 'layers', diff_ids: [] } });
}

function manifestFor(config: string): string {
  return JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: Buffer.byteLength(config) }, layers: [] });
}

/** `salt` makes this registry's digests its own (default: the same content, so the same digests, in every registry). */
export async function startSyntheticRegistry(options: { repositories: number; tagsPerRepository: number; pageSize?: number; salt?: string }): Promise<SyntheticRegistry> {
  const pageSize = options.pageSize ?? 1000;
  const tagsOf = (n: number): string[] => Array.from({ length: n }, (_, j) => `1.${j}.0`);
  const allTags = tagsOf(options.tagsPerRepository).sort();
  const blobs = new Map<string, string>();
  const manifests = new Map<string, string>();
  const requests: Record<string, number> = {};
  const lookup = (repo: string, ref: string): string | undefined => {
    if (ref.startsWith('sha256:')) return manifests.get(ref);
    const m = /^1\.(\d+)\.0$/.exec(ref);
    if (!m || Number(m[1]) >= options.tagsPerRepository) return undefined;
    const config = configFor(repo, ref, Number(m[1]), options.salt ?? '');
    blobs.set(sha(config), config);
    const manifest = manifestFor(config);
    manifests.set(sha(manifest), manifest);
    return manifest;
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const count = (kind: string) => (requests[kind] = (requests[kind] ?? 0) + 1);
    let m: RegExpExecArray | null;
    if (url.pathname === '/v2/') {
      count('ping');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else if ((m = /^\/v2\/(synth\/r(\d+))\/tags\/list$/.exec(url.pathname)) && Number(m[2]) < options.repositories) {
      count('tags');
      const n = Math.min(Number(url.searchParams.get('n') ?? pageSize) || pageSize, pageSize);
      const last = url.searchParams.get('last');
      const start = last === null ? 0 : allTags.findIndex((t) => t > last);
      const page = start < 0 ? [] : allTags.slice(start, start + n);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (start >= 0 && start + n < allTags.length) headers.link = `</v2/${m[1]}/tags/list?n=${n}&last=${encodeURIComponent(page.at(-1) ?? '')}>; rel="next"`;
      res.writeHead(200, headers).end(JSON.stringify({ name: m[1], tags: page }));
    } else if ((m = /^\/v2\/(synth\/r\d+)\/manifests\/(.+)$/.exec(url.pathname))) {
      count(req.method === 'HEAD' ? 'head' : 'manifest');
      const body = lookup(m[1]!, decodeURIComponent(m[2]!));
      if (!body) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha(body), 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } else if ((m = /^\/v2\/(synth\/r\d+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url.pathname))) {
      count('blob');
      const body = blobs.get(m[2]!);
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'docker-content-digest': m[2]! }).end(body);
    } else {
      count('other');
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface RegistriesProcess {
  readonly urls: readonly string[];
  readonly pid: number;
  /** Each registry's request counts by kind. */
  requests(): Promise<Array<Record<string, number>>>;
  stop(): Promise<void>;
}

/** `count` synthetic registries in a child process of their own (synthetic-registry-child.ts). */
export async function startSyntheticRegistriesProcess(count: number, options: { repositories: number; tagsPerRepository: number }): Promise<RegistriesProcess> {
  const child = fork(new URL('./synthetic-registry-child.ts', import.meta.url).pathname, [String(count), String(options.repositories), String(options.tagsPerRepository)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const reply = <T>(key: string): Promise<T> => new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>): void => {
      if (!(key in m)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m[key] as T);
    };
    const onExit = (code: number | null): void => reject(new Error(`the synthetic registries' process exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  const urls = await reply<string[]>('urls');
  return {
    urls,
    pid: child.pid!,
    requests: () => {
      const answer = reply<Array<Record<string, number>>>('requests');
      child.send('requests');
      return answer;
    },
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill();
    }),
  };
}
