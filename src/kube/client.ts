// A small Kubernetes API client on undici: the three calls the service makes, with the API's
// conventions (https://kubernetes.io/docs/reference/using-api/api-concepts/): lists are read
// page by page (`limit` + `continue`); a 410 Gone on a continue token means the snapshot expired,
// so the list starts again once; failures come back as Status objects.
import { kubeError } from './errors.ts';
import { createTransport } from './transport.ts';
import type { ApplicationSetObject, KubeClient, KubeConnection, SecretObject } from './types.ts';
import { isAppError } from '../shared/errors.ts';

export interface KubeClientOptions {
  readonly timeoutMs?: number;
  /** Items per list page. */
  readonly pageSize?: number;
}

interface ListBody<T> {
  items?: T[];
  metadata?: { continue?: string };
}

export const APPLICATIONSETS_PATH = '/apis/argoproj.io/v1alpha1';
export const EVENTS_PATH = '/apis/events.k8s.io/v1';

export function createKubeClient(connection: KubeConnection, options: KubeClientOptions = {}): KubeClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pageSize = options.pageSize ?? 500;
  const { call, close } = createTransport(connection, timeoutMs);

  async function listOnce<T>(basePath: string, query: URLSearchParams, what: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined;
    do {
      const q = new URLSearchParams(query);
      q.set('limit', String(pageSize));
      if (next) q.set('continue', next);
      const page = (await call('GET', `${basePath}?${q}`, what)) as ListBody<T> | undefined;
      if (!page || !Array.isArray(page.items)) throw kubeError('KUBE_PROTOCOL', `Kubernetes API list for ${what} has no items array`);
      items.push(...page.items);
      next = page.metadata?.continue || undefined;
    } while (next);
    return items;
  }

  async function list<T>(basePath: string, query: URLSearchParams, what: string): Promise<T[]> {
    try {
      return await listOnce<T>(basePath, query, what);
    } catch (err) {
      // The continue token outlived the API server's snapshot (410 Expired): read a fresh list.
      if (isAppError(err) && err.code === 'KUBE_EXPIRED') return listOnce<T>(basePath, query, what);
      throw err;
    }
  }

  return {
    listSecrets(namespace, labelSelector) {
      const ns = encodeURIComponent(namespace);
      return list<SecretObject>(`/api/v1/namespaces/${ns}/secrets`, new URLSearchParams({ labelSelector }), `secrets in namespace ${namespace}`);
    },
    listApplicationSets(namespace) {
      const ns = encodeURIComponent(namespace);
      return list<ApplicationSetObject>(`${APPLICATIONSETS_PATH}/namespaces/${ns}/applicationsets`, new URLSearchParams(), `applicationsets in namespace ${namespace}`);
    },
    async patchApplicationSet(namespace, name, mergePatch) {
      const path = `${APPLICATIONSETS_PATH}/namespaces/${encodeURIComponent(namespace)}/applicationsets/${encodeURIComponent(name)}`;
      await call('PATCH', path, `applicationset ${namespace}/${name}`, mergePatch);
    },
    async createEvent(namespace, event) {
      await call('POST', `${EVENTS_PATH}/namespaces/${encodeURIComponent(namespace)}/events`, `event in namespace ${namespace}`, event);
    },
    async patchEvent(namespace, name, mergePatch) {
      await call('PATCH', `${EVENTS_PATH}/namespaces/${encodeURIComponent(namespace)}/events/${encodeURIComponent(name)}`, `event ${namespace}/${name}`, mergePatch);
    },
    close,
  };
}
