// One HTTP connection pool to the API server and the request conventions every call follows
// (https://kubernetes.io/docs/reference/using-api/api-concepts/): JSON bodies, the Bearer token
// read again for every request (a rotated projected token is picked up), failures turned from
// metav1.Status objects into coded errors. Watches are read as newline-delimited JSON events.
import { Agent, request } from 'undici';
import { errorFromStatus, kubeError } from './errors.ts';
import { readEvents, WatchLineTooLong } from './watch-lines.ts';
import { readReply } from './reply.ts';
import type { KubeConnection } from './types.ts';

export type KubeMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KubeTransport {
  /** One request; resolves to the parsed JSON body of a 2xx answer, throws a coded error otherwise. */
  call(method: KubeMethod, path: string, what: string, body?: unknown): Promise<unknown>;
  /**
   * Opens a watch stream; `onEvent` gets each event; resolves when the server ends the stream.
   * `signal` aborts it.
   */
  stream(path: string, what: string, onEvent: (event: unknown) => void, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

const CONTENT_TYPE: Partial<Record<KubeMethod, string>> = { PATCH: 'application/merge-patch+json', POST: 'application/json', PUT: 'application/json' };

/** One connection pool to the API server, with its TLS identity and timeouts. */
function agentFor(connection: KubeConnection, timeoutMs: number): Agent {
  return new Agent({
    connect: {
      ...(connection.ca !== undefined && { ca: connection.ca }),
      ...(connection.cert !== undefined && { cert: connection.cert }),
      ...(connection.key !== undefined && { key: connection.key }),
      ...(connection.serverName !== undefined && { servername: connection.serverName }),
      rejectUnauthorized: !connection.insecure,
      timeout: timeoutMs,
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

export function createTransport(connection: KubeConnection, timeoutMs: number): KubeTransport {
  const dispatcher = agentFor(connection, timeoutMs);

  function headers(method: KubeMethod): Record<string, string> {
    const out: Record<string, string> = { accept: 'application/json', 'user-agent': 'argocd-image-plugins' };
    const token = connection.token?.();
    if (token) out.authorization = `Bearer ${token}`;
    const type = CONTENT_TYPE[method];
    if (type) out['content-type'] = type;
    return out;
  }

  async function call(method: KubeMethod, path: string, what: string, body?: unknown): Promise<unknown> {
    let res;
    try {
      res = await request(`${connection.server}${path}`, { method, headers: headers(method), dispatcher, ...(body !== undefined && { body: JSON.stringify(body) }) });
    } catch (cause) {
      throw kubeError('KUBE_UNAVAILABLE', `Kubernetes API unreachable for ${what}: ${(cause as Error).message}`, { cause });
    }
    const text = await readReply(res, what);
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch (cause) {
      if (res.statusCode < 300) throw kubeError('KUBE_PROTOCOL', `Kubernetes API sent a body that is not JSON for ${what}`, { cause });
    }
    if (res.statusCode >= 300) throw errorFromStatus(res.statusCode, what, parsed);
    return parsed;
  }

  async function stream(path: string, what: string, onEvent: (event: unknown) => void, signal: AbortSignal): Promise<void> {
    let res;
    try {
      // A watch is idle between events for as long as nothing changes: no body timeout.
      res = await request(`${connection.server}${path}`, { method: 'GET', headers: headers('GET'), dispatcher, signal, bodyTimeout: 0 });
    } catch (cause) {
      if (signal.aborted) return;
      throw kubeError('KUBE_UNAVAILABLE', `Kubernetes API unreachable for ${what}: ${(cause as Error).message}`, { cause });
    }
    if (res.statusCode >= 300) {
      const text = await readReply(res, what);
      throw errorFromStatus(res.statusCode, what, text.startsWith('{') ? JSON.parse(text) : undefined);
    }
    try {
      await readEvents(res.body, onEvent);
    } catch (cause) {
      if (signal.aborted) return;
      if (cause instanceof WatchLineTooLong) throw kubeError('KUBE_WATCH_LINE_TOO_LONG', `${what}: ${cause.message}`, { cause });
      throw kubeError('KUBE_UNAVAILABLE', `watch of ${what} broke: ${(cause as Error).message}`, { cause });
    }
  }

  return { call, stream, close: () => dispatcher.close() };
}
