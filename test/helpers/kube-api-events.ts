// The loopback Kubernetes API peer's Events (events.k8s.io/v1), following the API reference for
// Event v1 events.k8s.io: create (POST to the collection; 201, 409 AlreadyExists), get, list,
// merge patch (RFC 7386). Validation as the API server's (pkg/apis/events validation): eventTime
// required, reportingController and reportingInstance required, action and reason at most 128
// characters, note at most 1 kB, type Normal or Warning, regarding names an object; a series needs
// count >= 2 and lastObservedTime.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mergePatch } from './kube-api.ts';

export type EventObject = { metadata: { name: string; namespace?: string; resourceVersion?: string }; [k: string]: unknown };

export interface EventsRequest {
  readonly namespace: string;
  readonly name?: string;
  readonly verb: string;
}

const PATH = /^\/apis\/events\.k8s\.io\/v1\/namespaces\/([^/]+)\/events(?:\/([^/]+))?$/;

export function eventsRequest(method: string, url: URL): EventsRequest | undefined {
  const m = url.pathname.match(PATH);
  if (!m) return undefined;
  const name = m[2] ? decodeURIComponent(m[2]) : undefined;
  const verbs: Record<string, string> = { POST: 'create', PATCH: 'patch', PUT: 'update', DELETE: 'delete' };
  return { namespace: decodeURIComponent(m[1]!), ...(name !== undefined && { name }), verb: verbs[method] ?? (name ? 'get' : 'list') };
}

function problems(e: EventObject): string[] {
  const out: string[] = [];
  const str = (k: string): string | undefined => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
  if (!str('eventTime') || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(str('eventTime')!)) out.push('eventTime: Required value (a MicroTime)');
  if (!str('reportingController')) out.push('reportingController: Required value');
  if (!str('reportingInstance')) out.push('reportingInstance: Required value');
  if (!str('action') || str('action')!.length > 128) out.push('action: Required value, at most 128 characters');
  if (!str('reason') || str('reason')!.length > 128) out.push('reason: Required value, at most 128 characters');
  if (str('note') !== undefined && Buffer.byteLength(str('note')!) > 1024) out.push('note: Too long: must have at most 1024 bytes');
  if (str('type') !== 'Normal' && str('type') !== 'Warning') out.push('type: Unsupported value: must be Normal or Warning');
  const regarding = e.regarding as { kind?: string; name?: string } | undefined;
  if (!regarding?.kind || !regarding.name) out.push('regarding: Required value');
  const series = e.series as { count?: number; lastObservedTime?: string } | undefined;
  if (series !== undefined && (typeof series.count !== 'number' || series.count < 2 || typeof series.lastObservedTime !== 'string')) out.push('series: count must be at least 2, with lastObservedTime');
  return out;
}

export interface EventStore {
  handle(req: IncomingMessage, res: ServerResponse, request: EventsRequest, nextRevision: () => number): Promise<void>;
  /** Events recorded in a namespace, in creation order. */
  list(namespace: string): EventObject[];
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

export function createEventStore(): EventStore {
  const events = new Map<string, EventObject>();
  const key = (ns: string, name: string): string => `${ns}/${name}`;

  async function body(req: IncomingMessage): Promise<EventObject | undefined> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as EventObject;
    } catch {
      return undefined;
    }
  }

  return {
    async handle(req, res, r, nextRevision) {
      if (r.verb === 'list') return send(res, 200, { kind: 'EventList', apiVersion: 'events.k8s.io/v1', metadata: {}, items: [...events.values()].filter((e) => e.metadata.namespace === r.namespace) });
      if (r.verb === 'get') return events.has(key(r.namespace, r.name!)) ? send(res, 200, events.get(key(r.namespace, r.name!))) : status(res, 404, 'NotFound', `events.events.k8s.io "${r.name}" not found`);
      const input = await body(req);
      if (!input) return status(res, 400, 'BadRequest', 'the body is not JSON');
      if (r.verb === 'create') {
        if (typeof input.metadata?.name !== 'string') return status(res, 422, 'Invalid', 'metadata.name: Required value');
        if (events.has(key(r.namespace, input.metadata.name))) return status(res, 409, 'AlreadyExists', `events.events.k8s.io "${input.metadata.name}" already exists`);
        const wrong = problems(input);
        if (wrong.length > 0) return status(res, 422, 'Invalid', `Event.events.k8s.io "${input.metadata.name}" is invalid: ${wrong.join('; ')}`);
        const stored = { ...input, metadata: { ...input.metadata, namespace: r.namespace, resourceVersion: String(nextRevision()) } };
        events.set(key(r.namespace, stored.metadata.name), stored);
        return send(res, 201, stored);
      }
      if (r.verb !== 'patch') return status(res, 405, 'MethodNotAllowed', 'the peer serves create, get, list and patch of Events');
      if (req.headers['content-type'] !== 'application/merge-patch+json') return status(res, 415, 'UnsupportedMediaType', 'accepted media types include: application/merge-patch+json');
      const found = events.get(key(r.namespace, r.name!));
      if (!found) return status(res, 404, 'NotFound', `events.events.k8s.io "${r.name}" not found`);
      const next = mergePatch(found, input) as EventObject;
      const wrong = problems(next);
      if (wrong.length > 0) return status(res, 422, 'Invalid', `Event.events.k8s.io "${r.name}" is invalid: ${wrong.join('; ')}`);
      next.metadata = { ...next.metadata, name: found.metadata.name, namespace: r.namespace, resourceVersion: String(nextRevision()) };
      events.set(key(r.namespace, found.metadata.name), next);
      return send(res, 200, next);
    },
    list: (namespace) => [...events.values()].filter((e) => e.metadata.namespace === namespace),
  };
}
