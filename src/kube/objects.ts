// ConfigMaps, Leases and Secrets through the API: get, create, update fenced by resourceVersion (a 409
// KUBE_CONFLICT when someone wrote first), merge patch, and watch. A watch resumes from the last
// resourceVersion it saw (BOOKMARK events move it without an object, "Watch bookmarks" in the API
// concepts); when that version is too old (410, sent as an ERROR event inside the stream), it starts
// again from the current objects. Used by leader election, the shared state and pull Secrets.
import { kubeError } from './errors.ts';
import type { KubeTransport } from './transport.ts';

export type ObjectKind = 'configmaps' | 'leases' | 'secrets' | 'applications';

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface KubeObject {
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ObjectClient {
  /** The object, or undefined when it does not exist. */
  get(kind: ObjectKind, namespace: string, name: string): Promise<KubeObject | undefined>;
  create(kind: ObjectKind, namespace: string, object: KubeObject): Promise<KubeObject>;
  /** Replaces the object; with metadata.resourceVersion set, only if nobody wrote since (else KUBE_CONFLICT). */
  update(kind: ObjectKind, namespace: string, object: KubeObject): Promise<KubeObject>;
  /**
   * Deletes the object; with `resourceVersion`, only that version (DeleteOptions preconditions, else
   * KUBE_CONFLICT). An object already gone is not an error.
   */
  delete(kind: ObjectKind, namespace: string, name: string, resourceVersion?: string): Promise<void>;
  /** JSON merge patch (RFC 7386), unconditional. */
  patch(kind: ObjectKind, namespace: string, name: string, patch: Record<string, unknown>): Promise<KubeObject>;
  /** Follows one object (by name) until `signal` aborts, reconnecting after errors every `retryMs`. */
  watch(kind: ObjectKind, namespace: string, name: string, onEvent: (type: WatchEventType, object: KubeObject) => void, options: { signal: AbortSignal; retryMs?: number; onError?: (err: unknown) => void }): Promise<void>;
  /** Every object of a kind in a namespace, with the list's resourceVersion to watch from. */
  list(kind: ObjectKind, namespace: string): Promise<{ readonly items: readonly KubeObject[]; readonly resourceVersion: string }>;
  /**
   * One watch stream of a whole namespace from `from` (BOOKMARKs move it): resolves with the last
   * resourceVersion when the server ends the stream, or `expired` on 410 (list again). Throws when it breaks.
   */
  watchFrom(kind: ObjectKind, namespace: string, from: string, onEvent: (type: WatchEventType, object: KubeObject) => void, signal: AbortSignal, options?: WatchFromOptions): Promise<string | 'expired'>;
}

export interface WatchFromOptions {
  /** The stream's timeoutSeconds: the server ends it by then (default 300). */
  readonly timeoutSeconds?: number;
  /** Called for every line the server sends (any event, a BOOKMARK or an ERROR): the stream is alive. */
  readonly onActivity?: () => void;
}

const BASE: Record<ObjectKind, string> = { configmaps: '/api/v1', leases: '/apis/coordination.k8s.io/v1', secrets: '/api/v1', applications: '/apis/argoproj.io/v1alpha1' };
const KIND: Record<ObjectKind, { kind: string; apiVersion: string }> = {
  configmaps: { kind: 'ConfigMap', apiVersion: 'v1' },
  leases: { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1' },
  secrets: { kind: 'Secret', apiVersion: 'v1' },
  applications: { kind: 'Application', apiVersion: 'argoproj.io/v1alpha1' },
};

function pathOf(kind: ObjectKind, namespace: string, name?: string): string {
  return `${BASE[kind]}/namespaces/${encodeURIComponent(namespace)}/${kind}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

function asObject(value: unknown, what: string): KubeObject {
  if (typeof value !== 'object' || value === null || typeof (value as KubeObject).metadata?.name !== 'string') throw kubeError('KUBE_PROTOCOL', `Kubernetes API sent no object for ${what}`);
  return value as KubeObject;
}

interface RawEvent {
  type?: string;
  object?: { code?: number; metadata?: { resourceVersion?: string } } & Record<string, unknown>;
}

async function listObjects(transport: KubeTransport, kind: ObjectKind, namespace: string): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const body = (await transport.call('GET', pathOf(kind, namespace), `${kind} in ${namespace}`)) as { items?: unknown; metadata?: { resourceVersion?: unknown } } | undefined;
  const rv = body?.metadata?.resourceVersion;
  if (!Array.isArray(body?.items) || typeof rv !== 'string') throw kubeError('KUBE_PROTOCOL', `Kubernetes API sent no list of ${kind} in ${namespace}`);
  return { items: body.items.map((o) => asObject(o, `${kind} in ${namespace}`)), resourceVersion: rv };
}

async function watchObjectsFrom(transport: KubeTransport, kind: ObjectKind, namespace: string, from: string, onEvent: (type: WatchEventType, object: KubeObject) => void, signal: AbortSignal, options: WatchFromOptions = {}): Promise<string | 'expired'> {
  const q = new URLSearchParams({ watch: '1', allowWatchBookmarks: 'true', resourceVersion: from, timeoutSeconds: String(options.timeoutSeconds ?? 300) });
  let last = from;
  let expired = false;
  const opened = transport.stream(`${pathOf(kind, namespace)}?${q}`, `watch of ${kind} in ${namespace}`, (raw) => {
    options.onActivity?.();
    const e = raw as RawEvent;
    if (e.type === 'ERROR') return void (expired ||= e.object?.code === 410);
    const rv = e.object?.metadata?.resourceVersion;
    if (typeof rv === 'string' && rv !== '') last = rv;
    if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') onEvent(e.type, asObject(e.object, `${kind} in ${namespace}`));
  }, signal);
  if (await expiredAsStatus(opened)) return 'expired';
  return expired ? 'expired' : last;
}

/**
 * True when the watch request itself was answered 410 Gone (some API servers and proxies answer a
 * too old resourceVersion with the HTTP status instead of an ERROR event in the stream); the same
 * as the event: list again. Any other failure is thrown.
 */
async function expiredAsStatus(opened: Promise<void>): Promise<boolean> {
  try {
    await opened;
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'KUBE_EXPIRED') return true;
    throw err;
  }
}

export function createObjectClient(transport: KubeTransport): ObjectClient {
  async function watchOnce(kind: ObjectKind, namespace: string, name: string, from: string | undefined, onEvent: (type: WatchEventType, object: KubeObject) => void, signal: AbortSignal): Promise<string | undefined> {
    const q = new URLSearchParams({ watch: '1', allowWatchBookmarks: 'true', fieldSelector: `metadata.name=${name}`, timeoutSeconds: '300' });
    if (from) q.set('resourceVersion', from);
    let last = from;
    let expired = false;
    const opened = transport.stream(`${pathOf(kind, namespace)}?${q}`, `watch of ${kind} ${namespace}/${name}`, (raw) => {
      const e = raw as RawEvent;
      if (e.type === 'ERROR') {
        expired = e.object?.code === 410;
        return;
      }
      const rv = e.object?.metadata?.resourceVersion;
      if (rv) last = rv;
      if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') onEvent(e.type, asObject(e.object, `${kind} ${namespace}/${name}`));
    }, signal);
    // Too old: start again from the current object (an ADDED event for it).
    if (await expiredAsStatus(opened)) return undefined;
    return expired ? undefined : last;
  }

  return {
    list: (kind, namespace) => listObjects(transport, kind, namespace),
    watchFrom: (kind, namespace, from, onEvent, signal, options) => watchObjectsFrom(transport, kind, namespace, from, onEvent, signal, options),
    async get(kind, namespace, name) {
      try {
        return asObject(await transport.call('GET', pathOf(kind, namespace, name), `${kind} ${namespace}/${name}`), `${kind} ${namespace}/${name}`);
      } catch (err) {
        if ((err as { code?: string }).code === 'KUBE_NOT_FOUND') return undefined;
        throw err;
      }
    },
    async create(kind, namespace, object) {
      return asObject(await transport.call('POST', pathOf(kind, namespace), `${kind} ${namespace}/${object.metadata.name}`, { ...KIND[kind], ...object }), kind);
    },
    async update(kind, namespace, object) {
      return asObject(await transport.call('PUT', pathOf(kind, namespace, object.metadata.name), `${kind} ${namespace}/${object.metadata.name}`, { ...KIND[kind], ...object }), kind);
    },
    async delete(kind, namespace, name, resourceVersion) {
      const options = { kind: 'DeleteOptions', apiVersion: 'v1', ...(resourceVersion !== undefined && { preconditions: { resourceVersion } }) };
      try {
        await transport.call('DELETE', pathOf(kind, namespace, name), `${kind} ${namespace}/${name}`, options);
      } catch (err) {
        if ((err as { code?: string }).code !== 'KUBE_NOT_FOUND') throw err;
      }
    },
    async patch(kind, namespace, name, patch) {
      return asObject(await transport.call('PATCH', pathOf(kind, namespace, name), `${kind} ${namespace}/${name}`, patch), kind);
    },
    async watch(kind, namespace, name, onEvent, options) {
      let from: string | undefined;
      while (!options.signal.aborted) {
        try {
          from = await watchOnce(kind, namespace, name, from, onEvent, options.signal);
        } catch (err) {
          options.onError?.(err);
          await new Promise((r) => setTimeout(r, options.retryMs ?? 1000));
        }
      }
    },
  };
}
