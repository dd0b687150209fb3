// A loopback Kubernetes API peer for the parts of the API the service uses, following the API
// conventions (https://kubernetes.io/docs/reference/using-api/api-concepts/ and
// apimachinery's labels.Parse grammar):
//   - GET  /api/v1/namespaces/{ns}/secrets                                   list, ?labelSelector, ?limit + ?continue
//   - GET  /apis/argoproj.io/v1alpha1/namespaces/{ns}/applicationsets       list, same paging
//   - GET  /apis/argoproj.io/v1alpha1/namespaces/{ns}/applicationsets/{n}    get
//   - PATCH the same, Content-Type application/merge-patch+json (RFC 7386), bumps resourceVersion
//   - ConfigMaps, Leases and single Secrets: create, get, list, update with resourceVersion conflicts, merge patch,
//     delete, watch with bookmarks and 410 Expired (kube-api-objects.ts says which parts of the API
//     concepts and conventions it follows)
//   - Argo CD Applications (argoproj.io/v1alpha1), through the same object store: list and watch a
//     namespace, create, replace, delete (kube-api-applications.ts writes them, checked against the CRD)
//   - held list and watch requests, let through or answered with a Status when the test says (kube-api-held.ts)
//   - hung watches: answered 200, then silent, not even bookmarks (kube-api-silent-watch.ts)
// Failures are metav1.Status objects: 401 Unauthorized (no/unknown Bearer token), 403 Forbidden
// (the token's rules lack the verb/resource/namespace), 404 NotFound, 410 Expired (a continue
// token older than the last compaction), 415 for a wrong patch type, 400 for a bad selector.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { createObjectStore, objectRequest, type ObjectStore } from './kube-api-objects.ts';
import { isWrite, type WriteRecord } from './kube-api-writes.ts';
import { createEventStore, eventsRequest, type EventStore } from './kube-api-events.ts';
import { requestStart, type RequestStart } from './kube-api-requests.ts';
import { createEndlessLines, type EndlessLines } from './kube-api-endless-line.ts';
import { createHeldRequests, type HeldRequests } from './kube-api-held.ts';
import { createSilentWatches, type SilentWatches } from './kube-api-silent-watch.ts';

export interface Rule {
  readonly verbs: readonly string[];
  readonly resources: readonly string[];
  readonly namespaces?: readonly string[];
  /**
   * Object names the rule is limited to (RBAC resourceNames). Never allows create; allows list and
   * watch only with a `fieldSelector=metadata.name=<name>` naming one of them (RBAC docs, "Referring to resources").
   */
  readonly names?: readonly string[];
}

export interface KubeApiOptions {
  /** Bearer tokens the peer accepts, each with its RBAC rules (default: everything allowed). */
  readonly tokens?: Record<string, readonly Rule[]>;
  /** Time between watch BOOKMARK events (default 1 s). */
  readonly bookmarkMs?: number;
}

type Obj = { metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: unknown };

export interface KubeApiPeer {
  readonly url: string;
  readonly token: string;
  put(resource: 'secrets' | 'applicationsets', namespace: string, object: Obj): void;
  get(resource: 'secrets' | 'applicationsets', namespace: string, name: string): Obj | undefined;
  remove(resource: 'secrets' | 'applicationsets', namespace: string, name: string): void;
  /** Forget old snapshots: continue tokens issued before now answer 410 Expired. */
  compact(): void;
  /** ConfigMaps and Leases. */
  readonly objects: ObjectStore;
  /** Events (events.k8s.io/v1, kube-api-events.ts). */
  readonly events: EventStore;
  /** Misbehaviour: armed watches answer one event line that never ends (kube-api-endless-line.ts). */
  readonly endlessLines: EndlessLines;
  /** List and watch requests that wait until the test lets them through (kube-api-held.ts). */
  readonly held: HeldRequests;
  /** Misbehaviour: armed watches are answered 200 and then nothing, not even bookmarks (kube-api-silent-watch.ts). */
  readonly silentWatches: SilentWatches;
  /** Refuses every request made with `token` (the connection is reset) and ends its watches, until unblocked. */
  block(token: string): void;
  unblock(token: string): void;
  /** Requests served, by "VERB resource status" (for reading, not for scripting). */
  readonly requests: string[];
  /** Every request as it arrives, with its token and time (kube-api-requests.ts counts them). */
  readonly started: RequestStart[];
  /** Every answered write to ConfigMaps, Leases and single Secrets, with its token and time (kube-api-writes.ts). */
  readonly writes: WriteRecord[];
  close(): Promise<void>;
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

type Requirement = (labels: Record<string, string>) => boolean;

/** apimachinery label selector grammar: k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k. */
export function parseSelector(text: string): Requirement[] | string {
  const reqs: Requirement[] = [];
  const parts = text.match(/(?:[^,(]+|\([^)]*\))+/g) ?? [];
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      const values = list.split(',').map((v) => v.trim());
      reqs.push(op === 'in' ? (l) => Object.hasOwn(l, key) && values.includes(l[key]!) : (l) => !Object.hasOwn(l, key) || !values.includes(l[key]!));
    } else if ((m = p.match(/^([\w./-]+)\s*(!=|==|=)\s*([\w.-]*)$/))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      reqs.push(op === '!=' ? (l) => l[key] !== value : (l) => Object.hasOwn(l, key) && l[key] === value);
    } else if ((m = p.match(/^!([\w./-]+)$/))) {
      const key = m[1]!;
      reqs.push((l) => !Object.hasOwn(l, key));
    } else if ((m = p.match(/^([\w./-]+)$/))) {
      const key = m[1]!;
      reqs.push((l) => Object.hasOwn(l, key));
    } else {
      return `unable to parse requirement: "${p}"`;
    }
  }
  return reqs;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startKubeApi(t: Pick<TestContext, 'after'>, options: KubeApiOptions = {}): Promise<KubeApiPeer> {
  const defaultToken = 'peer-token-0123456789';
  const tokens = options.tokens ?? { [defaultToken]: [{ verbs: ['*'], resources: ['*'] }] };
  const store = new Map<string, Obj>();
  let rv = 1;
  let compactedBelow = 0;
  const requests: string[] = [];
  const started: RequestStart[] = [];
  const writes: WriteRecord[] = [];
  const key = (r: string, ns: string, n: string): string => `${r}/${ns}/${n}`;
  const objects = createObjectStore({ revisions: { next: () => ++rv, current: () => rv }, ...(options.bookmarkMs !== undefined && { bookmarkMs: options.bookmarkMs }) });
  const blocked = new Set<string>();
  const events = createEventStore();
  const endlessLines = createEndlessLines();
  const held = createHeldRequests();
  const silentWatches = createSilentWatches();

  function allowed(rules: readonly Rule[], verb: string, resource: string, ns: string, name?: string): boolean {
    const named = (r: Rule): boolean => !r.names || (name !== undefined && verb !== 'create' && r.names.includes(name));
    return rules.some((r) => (r.verbs.includes('*') || r.verbs.includes(verb)) && (r.resources.includes('*') || r.resources.includes(resource)) && (!r.namespaces || r.namespaces.includes(ns)) && named(r));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://peer');
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    started.push(requestStart(req.method ?? 'GET', url, bearer));
    if (blocked.has(bearer)) return void req.socket.destroy();
    const event = eventsRequest(req.method ?? 'GET', url);
    if (event) {
      const rules = tokens[bearer];
      const done = (code: number): void => void requests.push(`${event.verb} events ${code}`);
      if (!rules) return (done(401), status(res, 401, 'Unauthorized', 'Unauthorized'));
      if (!allowed(rules, event.verb, 'events', event.namespace, event.name)) return (done(403), status(res, 403, 'Forbidden', `events.events.k8s.io is forbidden: User "system:serviceaccount:argocd:argocd-image-plugins" cannot ${event.verb} resource "events" in API group "events.k8s.io" in the namespace "${event.namespace}"`));
      res.on('finish', () => done(res.statusCode));
      return events.handle(req, res, event, () => ++rv);
    }
    const object = objectRequest(req.method ?? 'GET', url);
    if (object) {
      const rules = tokens[bearer];
      const done = (code: number): void => void requests.push(`${object.verb} ${object.resource} ${code}`);
      if (!rules) return (done(401), status(res, 401, 'Unauthorized', 'Unauthorized'));
      // create names its object in the body; RBAC cannot limit it by name (authorization docs, resourceNames).
      const listed = object.verb === 'list' || object.verb === 'watch' ? url.searchParams.get('fieldSelector')?.match(/^metadata\.name=(.+)$/)?.[1] : object.name;
      if (!allowed(rules, object.verb, object.resource, object.namespace, listed)) {
        done(403);
        return status(res, 403, 'Forbidden', `${object.resource}${object.name ? ` "${object.name}"` : ''} is forbidden: User "system:serviceaccount:argocd:argocd-image-plugins" cannot ${object.verb} resource "${object.resource}" in the namespace "${object.namespace}"`);
      }
      res.on('finish', () => {
        done(res.statusCode);
        if (isWrite(object.verb)) writes.push({ at: performance.now(), token: bearer, verb: object.verb, resource: object.resource, name: object.name ?? '', code: res.statusCode });
      });
      const waited = held.hold(object.verb, object.resource, res);
      if (waited && !(await waited)) return;
      if (endlessLines.takes(object.verb)) return endlessLines.serve(req, res);
      if (silentWatches.takes(object.verb)) return silentWatches.serve(req, res, url);
      return objects.handle(req, res, url, object);
    }
    const m = url.pathname.match(/^(?:\/api\/v1|\/apis\/argoproj\.io\/v1alpha1)\/namespaces\/([^/]+)\/(secrets|applicationsets)(?:\/([^/]+))?$/);
    const auth = req.headers.authorization ?? '';
    const rules = auth.startsWith('Bearer ') ? tokens[auth.slice(7)] : undefined;
    const resource = m?.[2] ?? 'unknown';
    const verb = req.method === 'PATCH' ? 'patch' : m?.[3] ? 'get' : 'list';
    const done = (code: number): void => void requests.push(`${verb} ${resource} ${code}`);
    if (!rules) return (done(401), status(res, 401, 'Unauthorized', 'Unauthorized'));
    if (!m || (url.pathname.startsWith('/api/v1') !== (resource === 'secrets'))) return (done(404), status(res, 404, 'NotFound', 'the server could not find the requested resource'));
    const ns = decodeURIComponent(m[1]!);
    const name = m[3] ? decodeURIComponent(m[3]) : undefined;
    if (!allowed(rules, verb, resource, ns)) {
      done(403);
      return status(res, 403, 'Forbidden', `${resource} is forbidden: User "system:serviceaccount:argocd:argocd-image-plugins" cannot ${verb} resource "${resource}" in the namespace "${ns}"`);
    }
    if (name === undefined && req.method === 'GET') return list(res, url, resource, ns, done);
    const found = store.get(key(resource, ns, name ?? ''));
    if (!found) return (done(404), status(res, 404, 'NotFound', `${resource} "${name}" not found`));
    if (req.method === 'GET') return (done(200), res.writeHead(200, { 'content-type': 'application/json' }), void res.end(JSON.stringify(found)));
    if (req.method !== 'PATCH') return (done(405), status(res, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
    if (req.headers['content-type'] !== 'application/merge-patch+json') return (done(415), status(res, 415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json`));
    let patch: unknown;
    try {
      patch = JSON.parse(await readBody(req));
    } catch {
      return (done(400), status(res, 400, 'BadRequest', 'error decoding patch: invalid JSON'));
    }
    const next = mergePatch(found, patch) as Obj;
    next.metadata = { ...next.metadata, name: found.metadata.name, namespace: ns, resourceVersion: String(++rv) };
    store.set(key(resource, ns, found.metadata.name), next);
    done(200);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(next));
  }

  function list(res: ServerResponse, url: URL, resource: string, ns: string, done: (code: number) => void): void {
    const selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
    if (typeof selector === 'string') return (done(400), status(res, 400, 'BadRequest', selector));
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const cont = url.searchParams.get('continue');
    let start = 0;
    let snapshotRv = rv;
    if (cont) {
      const [tokRv, tokStart] = Buffer.from(cont, 'base64url').toString('utf8').split(':').map(Number) as [number, number];
      if (tokRv < compactedBelow) return (done(410), status(res, 410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'));
      start = tokStart;
      snapshotRv = tokRv;
    }
    const all = [...store.entries()].filter(([k]) => k.startsWith(`${resource}/${ns}/`)).map(([, o]) => o).filter((o) => selector.every((r) => r(o.metadata.labels ?? {}))).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const end = limit > 0 ? start + limit : all.length;
    const items = all.slice(start, end);
    const metadata: Record<string, string> = { resourceVersion: String(snapshotRv) };
    if (end < all.length) metadata.continue = Buffer.from(`${snapshotRv}:${end}`).toString('base64url');
    done(200);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: resource === 'secrets' ? 'SecretList' : 'ApplicationSetList', apiVersion: 'v1', metadata, items }));
  }

  const server = createServer((req, res) => void handle(req, res).catch((err: Error) => status(res, 500, 'InternalError', err.message)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const peer: KubeApiPeer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: Object.keys(tokens)[0] ?? defaultToken,
    put(resource, namespace, object) {
      store.set(key(resource, namespace, object.metadata.name), { ...object, metadata: { ...object.metadata, namespace, resourceVersion: String(++rv) } });
    },
    get: (resource, namespace, name) => store.get(key(resource, namespace, name)),
    remove(resource, namespace, name) {
      store.delete(key(resource, namespace, name));
      rv += 1;
    },
    compact() {
      compactedBelow = ++rv;
      objects.compact();
    },
    objects,
    events,
    endlessLines,
    held,
    silentWatches,
    block(token) {
      blocked.add(token);
      objects.dropWatchesOf(token);
    },
    unblock: (token) => void blocked.delete(token),
    requests,
    started,
    writes,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  t.after(() => peer.close());
  return peer;
}

/** A cluster Secret as Argo CD writes it (data values base64-encoded). */
export function clusterSecret(secretName: string, data: { name: string; server: string; project?: string }, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): Obj {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: secretName, labels: { 'argocd.argoproj.io/secret-type': 'cluster', ...labels }, annotations },
    data: { name: b64(data.name), server: b64(data.server), config: b64('{}'), ...(data.project !== undefined && { project: b64(data.project) }) },
  };
}
