// The loopback Kubernetes API peer's ConfigMaps (core/v1) and Leases (coordination.k8s.io/v1),
// following the API concepts document (https://kubernetes.io/docs/reference/using-api/api-concepts/)
// and the API conventions (community/contributors/devel/sig-architecture/api-conventions.md):
//   - create (POST to the collection): 201, or 409 AlreadyExists;
//   - get, list (?labelSelector, ?fieldSelector=metadata.name=N), delete;
//   - update (PUT): optimistic concurrency ("Concurrency Control and Consistency"): a body whose
//     metadata.resourceVersion differs from the stored one is 409 Conflict; without one, the update
//     is unconditional (ConfigMaps and Leases allow it);
//   - patch with application/merge-patch+json (RFC 7386);
//   - watch (?watch=1, "Efficient detection of changes"): newline-delimited JSON events ADDED,
//     MODIFIED, DELETED; without resourceVersion (or "0") the current objects first come as ADDED;
//     from a resourceVersion older than the retained history, one ERROR event carrying a Status 410
//     Expired ("too old resource version"), as the API server sends it inside the stream;
//     ?allowWatchBookmarks=true adds BOOKMARK events (an object with only metadata.resourceVersion)
//     every `bookmarkMs` ("Watch bookmarks"); ?timeoutSeconds ends the stream;
//   - a ConfigMap whose data exceeds 1 MiB is 422 Invalid ("Too long"), as core/v1 validation does.
// resourceVersion is one counter shared by every object, opaque to clients but ordered here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mergePatch, parseSelector } from './kube-api.ts';
import { APPLICATION_KIND } from './kube-api-applications.ts';

export type KubeObject = { metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string>; creationTimestamp?: string }; [k: string]: unknown };

export type ObjectResource = 'configmaps' | 'leases' | 'secrets' | 'applications';

interface WatchEvent {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly resource: ObjectResource;
  readonly object: KubeObject;
}

export interface Revisions {
  next(): number;
  current(): number;
}

const PATH = /^(?:\/api\/v1\/namespaces\/([^/]+)\/(configmaps|secrets)|\/apis\/(?:coordination\.k8s\.io\/v1|argoproj\.io\/v1alpha1)\/namespaces\/([^/]+)\/(leases|applications))(?:\/([^/]+))?$/;
const CONFIGMAP_LIMIT = 1024 * 1024;
const KIND: Record<ObjectResource, { kind: string; apiVersion: string }> = { configmaps: { kind: 'ConfigMap', apiVersion: 'v1' }, leases: { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1' }, secrets: { kind: 'Secret', apiVersion: 'v1' }, applications: APPLICATION_KIND };

export interface ObjectRequest {
  readonly resource: ObjectResource;
  readonly namespace: string;
  readonly name?: string;
  readonly verb: string;
}

/**
 * Parses a ConfigMap, Lease or Secret path and the verb it means (undefined for any other path).
 * Plain Secret lists (cluster Secrets by label, with paging) stay with kube-api.ts's own store; single
 * Secrets (pull Secrets) are created, read, changed and watched here.
 */
export function objectRequest(method: string, url: URL): ObjectRequest | undefined {
  const m = url.pathname.match(PATH);
  if (!m) return undefined;
  const resource = (m[2] ?? m[4]) as ObjectResource;
  const namespace = decodeURIComponent(m[1] ?? m[3]!);
  const name = m[5] ? decodeURIComponent(m[5]) : undefined;
  const watching = url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true';
  const verbs: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
  const verb = verbs[method] ?? (watching ? 'watch' : name ? 'get' : 'list');
  if (resource === 'secrets' && verb === 'list') return undefined;
  return { resource, namespace, ...(name !== undefined && { name }), verb };
}

/** The resourceVersion precondition of a DELETE's DeleteOptions body, if any. */
async function deletePrecondition(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return undefined;
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { preconditions?: { resourceVersion?: string } };
  return body.preconditions?.resourceVersion;
}

export function sendStatus(res: ServerResponse, code: number, reason: string, message: string, extra: Record<string, unknown> = {}): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...extra }));
}

function sendObject(res: ServerResponse, code: number, object: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(object));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function dataSize(object: KubeObject): number {
  let size = 0;
  for (const field of ['data', 'binaryData'] as const) {
    const values = object[field];
    if (values && typeof values === 'object') for (const [k, v] of Object.entries(values)) size += k.length + Buffer.byteLength(String(v));
  }
  return size;
}

export interface ObjectStoreOptions {
  readonly revisions: Revisions;
  /** Time between BOOKMARK events on watches that allow them. */
  readonly bookmarkMs?: number;
}

export interface ObjectStore {
  handle(req: IncomingMessage, res: ServerResponse, url: URL, request: ObjectRequest): Promise<void>;
  get(resource: ObjectResource, namespace: string, name: string): KubeObject | undefined;
  /** Forgets the event history: a watch from an earlier resourceVersion gets 410 Expired. */
  compact(): void;
  /** Ends every open watch (as an API server restart or a load balancer would). */
  dropWatches(): void;
  /** Ends the open watches made with `token`. */
  dropWatchesOf(token: string): void;
  /** Open watch streams (for tests). */
  watchers(): number;
}

interface Watcher {
  readonly res: ServerResponse;
  readonly token: string;
  readonly matches: (e: WatchEvent) => boolean;
}

export function createObjectStore(options: ObjectStoreOptions): ObjectStore {
  const { revisions } = options;
  const objects = new Map<string, KubeObject>();
  const history: WatchEvent[] = [];
  let historyFrom = 0;
  const watchers = new Set<Watcher>();
  let uid = 0;
  const keyOf = (r: ObjectResource, ns: string, n: string): string => `${r}/${ns}/${n}`;

  function emit(resource: ObjectResource, type: WatchEvent['type'], object: KubeObject): void {
    const event: WatchEvent = { rv: Number(object.metadata.resourceVersion), type, resource, object };
    history.push(event);
    for (const w of watchers) if (w.matches(event)) w.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  function store(r: ObjectRequest, object: KubeObject, type: WatchEvent['type']): KubeObject {
    const stored = { ...KIND[r.resource], ...object, metadata: { ...object.metadata, namespace: r.namespace, resourceVersion: String(revisions.next()) } };
    objects.set(keyOf(r.resource, r.namespace, stored.metadata.name), stored);
    emit(r.resource, type, stored);
    return stored;
  }

  function invalid(r: ObjectRequest, object: KubeObject | undefined, res: ServerResponse): boolean {
    if (!object || typeof object !== 'object' || typeof object.metadata?.name !== 'string') return (sendStatus(res, 400, 'BadRequest', 'the object has no metadata.name'), true);
    if (r.name !== undefined && object.metadata.name !== r.name) return (sendStatus(res, 400, 'BadRequest', `the name of the object (${object.metadata.name}) does not match the name on the URL (${r.name})`), true);
    if (r.resource === 'configmaps' && dataSize(object) > CONFIGMAP_LIMIT) {
      sendStatus(res, 422, 'Invalid', `ConfigMap "${object.metadata.name}" is invalid: []: Too long: must have at most ${CONFIGMAP_LIMIT} bytes`);
      return true;
    }
    return false;
  }

  async function write(req: IncomingMessage, res: ServerResponse, r: ObjectRequest): Promise<void> {
    let body: KubeObject;
    try {
      body = (await readJson(req)) as KubeObject;
    } catch {
      return sendStatus(res, 400, 'BadRequest', 'the body is not JSON');
    }
    const found = r.name === undefined ? undefined : objects.get(keyOf(r.resource, r.namespace, r.name));
    if (r.verb === 'create') {
      if (invalid(r, body, res)) return;
      if (objects.has(keyOf(r.resource, r.namespace, body.metadata.name))) return sendStatus(res, 409, 'AlreadyExists', `${r.resource} "${body.metadata.name}" already exists`);
      const { resourceVersion: _ignored, ...metadata } = body.metadata;
      return sendObject(res, 201, store(r, { ...body, metadata: { ...metadata, uid: `uid-${++uid}`, creationTimestamp: new Date().toISOString() } }, 'ADDED'));
    }
    if (!found) return sendStatus(res, 404, 'NotFound', `${r.resource} "${r.name}" not found`);
    if (r.verb === 'patch') {
      if (req.headers['content-type'] !== 'application/merge-patch+json') return sendStatus(res, 415, 'UnsupportedMediaType', 'accepted media types include: application/merge-patch+json');
      const next = mergePatch(found, body) as KubeObject;
      if (invalid(r, next, res)) return;
      return sendObject(res, 200, store(r, { ...next, metadata: { ...next.metadata, name: found.metadata.name } }, 'MODIFIED'));
    }
    if (invalid(r, body, res)) return;
    const wanted = body.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== found.metadata.resourceVersion) {
      return sendStatus(res, 409, 'Conflict', `Operation cannot be fulfilled on ${r.resource} "${r.name}": the object has been modified; please apply your changes to the latest version and try again`, { details: { name: r.name, kind: r.resource } });
    }
    sendObject(res, 200, store(r, { ...body, metadata: { ...body.metadata, uid: found.metadata.uid!, creationTimestamp: found.metadata.creationTimestamp! } }, 'MODIFIED'));
  }

  function filterOf(r: ObjectRequest, url: URL): ((o: KubeObject) => boolean) | string {
    const selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
    if (typeof selector === 'string') return selector;
    const field = url.searchParams.get('fieldSelector');
    const byName = field?.match(/^metadata\.name=(.+)$/)?.[1];
    if (field && byName === undefined) return `unsupported field selector "${field}"`;
    return (o) => o.metadata.namespace === r.namespace && (byName === undefined || o.metadata.name === byName) && selector.every((s) => s(o.metadata.labels ?? {}));
  }

  function list(res: ServerResponse, r: ObjectRequest, url: URL): void {
    const filter = filterOf(r, url);
    if (typeof filter === 'string') return sendStatus(res, 400, 'BadRequest', filter);
    const items = [...objects.entries()].filter(([k, o]) => k.startsWith(`${r.resource}/`) && filter(o)).map(([, o]) => o);
    sendObject(res, 200, { kind: `${KIND[r.resource].kind}List`, apiVersion: KIND[r.resource].apiVersion, metadata: { resourceVersion: String(revisions.current()) }, items });
  }

  function watch(req: IncomingMessage, res: ServerResponse, r: ObjectRequest, url: URL): void {
    const filter = filterOf(r, url);
    if (typeof filter === 'string') return sendStatus(res, 400, 'BadRequest', filter);
    const from = url.searchParams.get('resourceVersion');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const send = (type: string, object: unknown): boolean => res.write(`${JSON.stringify({ type, object })}\n`);
    if (from && from !== '0' && Number(from) < historyFrom) {
      send('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${historyFrom})`, reason: 'Expired', code: 410 });
      return void res.end();
    }
    const matches = (e: WatchEvent): boolean => e.resource === r.resource && filter(e.object);
    if (!from || from === '0') {
      for (const [k, o] of objects) if (k.startsWith(`${r.resource}/`) && filter(o)) send('ADDED', o);
    } else {
      for (const e of history) if (e.rv > Number(from) && matches(e)) send(e.type, e.object);
    }
    const auth = req.headers.authorization ?? '';
    const watcher: Watcher = { res, token: auth.slice(7), matches };
    watchers.add(watcher);
    const timers: NodeJS.Timeout[] = [];
    if (url.searchParams.get('allowWatchBookmarks') === 'true') {
      timers.push(setInterval(() => send('BOOKMARK', { ...KIND[r.resource], metadata: { resourceVersion: String(revisions.current()) } }), options.bookmarkMs ?? 1000));
    }
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? '0');
    if (timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000));
    const stop = (): void => {
      watchers.delete(watcher);
      for (const t of timers) clearTimeout(t);
    };
    res.on('close', stop);
    res.on('finish', stop);
  }

  return {
    async handle(req, res, url, r) {
      if (r.verb === 'watch') return watch(req, res, r, url);
      if (r.verb === 'list') return list(res, r, url);
      if (r.verb === 'create' || r.verb === 'update' || r.verb === 'patch') return write(req, res, r);
      const found = objects.get(keyOf(r.resource, r.namespace, r.name!));
      if (!found) return sendStatus(res, 404, 'NotFound', `${r.resource} "${r.name}" not found`);
      if (r.verb === 'get') return sendObject(res, 200, found);
      // DeleteOptions.preconditions.resourceVersion (API conventions, "Concurrency Control"): 409 when another version is stored.
      const wanted = await deletePrecondition(req);
      if (wanted !== undefined && wanted !== found.metadata.resourceVersion) return sendStatus(res, 409, 'Conflict', `Operation cannot be fulfilled on ${r.resource} "${r.name}": Precondition failed: ResourceVersion in precondition: ${wanted}, ResourceVersion in object meta: ${found.metadata.resourceVersion}`);
      objects.delete(keyOf(r.resource, r.namespace, r.name!));
      emit(r.resource, 'DELETED', { ...found, metadata: { ...found.metadata, resourceVersion: String(revisions.next()) } });
      sendObject(res, 200, found);
    },
    get: (resource, namespace, name) => objects.get(keyOf(resource, namespace, name)),
    compact() {
      historyFrom = revisions.next();
      history.length = 0;
    },
    dropWatches() {
      for (const w of watchers) w.res.end();
    },
    dropWatchesOf(token) {
      for (const w of watchers) if (w.token === token) w.res.destroy();
    },
    watchers: () => watchers.size,
  };
}
