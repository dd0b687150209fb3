// A loopback HTTP peer IN FRONT of a real registry (pass-through proxy) that adds what CNCF
// Distribution 2.8 lacks, following the OCI distribution spec v1.1 "Listing Tags"
// (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags):
// `GET /v2/<name>/tags/list?n=<int>&last=<tag>` answers at most `n` tags after `last`, and a
// `Link: <url>; rel="next"` header while more remain (RFC 8288). Options imitate real registries:
// a server-side page size cap, relative or absolute links, GHCR's oldest-first order (newest tags on
// the LAST page, by image config `created`), and a link to another origin (which a client must refuse).
// Faults are injected by rule (method/path match, count): 429 with or without Retry-After, 5xx,
// connection drop, slow body, truncated JSON, wrong Content-Type, wrong or missing Docker-Content-Digest.
// Every request is counted by method and path, so tests can assert how many calls reached the registry.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request, Agent } from 'undici';
import { createReferrersStore, REFERRERS_PATH } from './referrers.ts';

export type TagOrder = 'lexical' | 'oldest-first';

export interface ProtocolRegistryOptions {
  /** Base URL of the real registry, e.g. http://127.0.0.1:PORT */
  readonly upstream: string;
  /** Largest page served; also the page size when the client sends no `n` (default 100). */
  readonly pageSize?: number;
  readonly order?: TagOrder;
  /** Link header style (default 'relative', as Distribution v3 and the spec's examples). */
  readonly links?: 'relative' | 'absolute';
  /** Put this origin (http://127.0.0.1:PORT) in next links instead of our own. */
  readonly linkOrigin?: string;
  /** Names added to a repository's listing that the registry behind cannot store (a hostile or broken registry). */
  readonly extraTags?: (repository: string) => readonly string[];
  /** Serve the OCI 1.1 referrers API (referrers.ts) for manifests PUT through this peer. */
  readonly referrers?: boolean;
}

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string; readonly body?: string }
  | { readonly kind: 'drop' }
  /** Sends the headers and part of the body, then stalls for `delayMs` before the rest. */
  | { readonly kind: 'slow-body'; readonly delayMs: number }
  /** Cuts the upstream body in half (Content-Length adjusted): syntactically broken JSON. */
  | { readonly kind: 'truncate' }
  | { readonly kind: 'content-type'; readonly value: string }
  | { readonly kind: 'digest'; readonly value: string }
  | { readonly kind: 'no-digest' };

export interface FaultRule {
  readonly method?: string;
  /** Matched against the path without the query: a prefix string or a RegExp. */
  readonly path?: string | RegExp;
  /** How many matching requests get the fault (default: all). */
  readonly times?: number;
  readonly fault: Fault;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly path: string;
  readonly status: number;
  readonly fault?: Fault['kind'];
}

export interface ProtocolRegistry {
  /** 127.0.0.1:PORT */
  readonly host: string;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  requests(): readonly RecordedRequest[];
  /** Requests seen, optionally only those with this method and a path starting with / matching `path`. */
  count(filter?: { method?: string; path?: string | RegExp }): number;
  /** Most requests that were open at the same time since start / resetCounts(). */
  maxInFlight(): number;
  resetCounts(): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  stop(): Promise<void>;
}

interface ActiveRule {
  rule: FaultRule;
  left: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'proxy-connection', 'te', 'trailer']);
const TAGS_LIST = /^\/v2\/(.+)\/tags\/list$/;

export async function startProtocolRegistry(options: ProtocolRegistryOptions): Promise<ProtocolRegistry> {
  const upstream = options.upstream.replace(/\/+$/, '');
  const pageSize = options.pageSize ?? 100;
  const records: RecordedRequest[] = [];
  const rules: ActiveRule[] = [];
  const agent = new Agent({ keepAliveTimeout: 1000 });
  const createdCache = new Map<string, string>();
  const referrers = options.referrers ? createReferrersStore() : undefined;
  let origin = '';
  let inFlight = 0;
  let maxInFlight = 0;

  function takeFault(method: string, path: string): Fault | undefined {
    const active = rules.find((r) => r.left > 0 && matches(r.rule, method, path));
    if (!active) return undefined;
    active.left -= 1;
    return active.rule.fault;
  }

  async function forward(req: IncomingMessage, url: string, body: Buffer | undefined): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    const res = await request(upstream + url, { method: req.method as 'GET', headers, body: body && body.length > 0 ? body : null, dispatcher: agent });
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
    return { status: res.statusCode, headers: out, body: Buffer.from(await res.body.arrayBuffer()) };
  }

  async function tagsPage(req: IncomingMessage, name: string, query: URLSearchParams): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    const full = await forward(req, `/v2/${name}/tags/list`, undefined);
    if (full.status !== 200) return full;
    const parsed = JSON.parse(full.body.toString('utf8')) as { name: string; tags: string[] | null };
    const ordered = await orderTags(req, name, [...(parsed.tags ?? []), ...(options.extraTags?.(name) ?? [])]);
    const n = query.has('n') ? Math.min(Number(query.get('n')), pageSize) : pageSize;
    const last = query.get('last');
    const start = last === null ? 0 : options.order === 'oldest-first' ? ordered.indexOf(last) + 1 : ordered.findIndex((t) => t > last);
    const from = start < 0 ? ordered.length : start;
    const page = ordered.slice(from, from + n);
    const headers: Record<string, string | string[]> = { 'content-type': 'application/json; charset=utf-8', 'docker-distribution-api-version': 'registry/2.0' };
    const lastTag = page.at(-1);
    if (from + n < ordered.length && lastTag !== undefined) {
      const rel = `/v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(lastTag)}`;
      const base = options.linkOrigin ?? (options.links === 'absolute' ? origin : '');
      headers.link = `<${base}${rel}>; rel="next"`;
    }
    return { status: 200, headers, body: Buffer.from(JSON.stringify({ name: parsed.name, tags: page })) };
  }

  /** Lexical (the spec's order) or oldest-first by image config `created` (GHCR-like). */
  async function orderTags(req: IncomingMessage, name: string, tags: string[]): Promise<string[]> {
    const lexical = [...tags].sort();
    if (options.order !== 'oldest-first') return lexical;
    const created = new Map<string, string>();
    for (const tag of lexical) created.set(tag, await createdOf(req, name, tag));
    return lexical.sort((a, b) => (created.get(a) ?? '').localeCompare(created.get(b) ?? '') || (a < b ? -1 : 1));
  }

  async function createdOf(req: IncomingMessage, name: string, tag: string): Promise<string> {
    const key = `${name}:${tag}`;
    const known = createdCache.get(key);
    if (known !== undefined) return known;
    const accept = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json';
    const auth = req.headers.authorization ? { authorization: req.headers.authorization } : {};
    let manifest = (await (await request(`${upstream}/v2/${name}/manifests/${tag}`, { headers: { accept, ...auth }, dispatcher: agent })).body.json()) as { config?: { digest: string }; manifests?: { digest: string }[] };
    const child = manifest.manifests?.[0]?.digest;
    if (child) manifest = (await (await request(`${upstream}/v2/${name}/manifests/${child}`, { headers: { accept, ...auth }, dispatcher: agent })).body.json()) as typeof manifest;
    let created = '';
    if (manifest.config) {
      const config = (await (await request(`${upstream}/v2/${name}/blobs/${manifest.config.digest}`, { headers: auth, dispatcher: agent })).body.json()) as { created?: string };
      created = config.created ?? '';
    }
    createdCache.set(key, created);
    return created;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const parsed = new URL(url, 'http://127.0.0.1');
    const path = parsed.pathname;
    const fault = takeFault(method, path);
    const record = (status: number): void => void records.push({ method, url, path, status, ...(fault ? { fault: fault.kind } : {}) });
    if (fault?.kind === 'drop') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      record(fault.status);
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      const code = fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE';
      res.writeHead(fault.status, headers);
      res.end(method === 'HEAD' ? undefined : (fault.body ?? JSON.stringify({ errors: [{ code, message: `injected ${fault.status}` }] })));
      return;
    }
    const tags = method === 'GET' ? TAGS_LIST.exec(path) : null;
    const referred = referrers && method === 'GET' ? REFERRERS_PATH.exec(path) : null;
    const out = tags?.[1]
      ? await tagsPage(req, tags[1], parsed.searchParams)
      : referred
      ? { status: 200, ...referrers!.list(referred[1]!, referred[2]!, parsed.searchParams.get('artifactType')) }
      : await forward(req, url, body);
    const put = referrers && method === 'PUT' && out.status === 201 ? /^\/v2\/(.+)\/manifests\/[^/]+$/.exec(path) : null;
    const subject = put ? referrers!.recordPut(put[1]!, body, req.headers['content-type']) : undefined;
    if (subject) out.headers['oci-subject'] = subject;
    let payload = out.body;
    if (fault?.kind === 'truncate') payload = payload.subarray(0, Math.floor(payload.length / 2));
    if (fault?.kind === 'content-type') out.headers['content-type'] = fault.value;
    if (fault?.kind === 'digest') out.headers['docker-content-digest'] = fault.value;
    if (fault?.kind === 'no-digest') {
      delete out.headers['docker-content-digest'];
      delete out.headers.etag;
    }
    if (method !== 'HEAD') out.headers['content-length'] = String(payload.length);
    record(out.status);
    res.writeHead(out.status, out.headers);
    if (fault?.kind === 'slow-body' && method !== 'HEAD') {
      res.write(payload.subarray(0, 1));
      const timer = setTimeout(() => res.end(payload.subarray(1)), fault.delayMs);
      res.once('close', () => clearTimeout(timer));
      return;
    }
    res.end(method === 'HEAD' ? undefined : payload);
  }

  const server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => void (inFlight -= 1));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
        records.push({ method: req.method ?? 'GET', url: req.url ?? '/', path: req.url ?? '/', status: 599 });
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`protocol registry: upstream failed: ${String(err)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin = `http://${host}`;
  return {
    host,
    url: origin,
    requests: () => [...records],
    count(filter = {}) {
      return records.filter((r) => matches(filter, r.method, r.path)).length;
    },
    maxInFlight: () => maxInFlight,
    resetCounts() {
      records.splice(0);
      maxInFlight = inFlight;
    },
    addFault: (rule) => void rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }),
    clearFaults: () => void rules.splice(0),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await agent.close();
    },
  };
}

function matches(filter: { method?: string; path?: string | RegExp }, method: string, path: string): boolean {
  if (filter.method !== undefined && filter.method.toUpperCase() !== method) return false;
  if (filter.path === undefined) return true;
  return typeof filter.path === 'string' ? path.startsWith(filter.path) : filter.path.test(path);
}
