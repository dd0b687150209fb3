// Error codes of the Kubernetes API client (see docs/errors.md). The API answers failures with a
// `Status` object (apimachinery metav1.Status: kind, status, message, reason, code); its message
// is carried over so operators see what the API server said.
import { AppError } from '../shared/errors.ts';

export type KubeErrorCode =
  | 'KUBE_CONFIG_INVALID'
  | 'KUBE_UNAUTHORIZED'
  | 'KUBE_FORBIDDEN'
  | 'KUBE_NOT_FOUND'
  | 'KUBE_EXPIRED'
  | 'KUBE_CONFLICT'
  | 'KUBE_INVALID'
  | 'KUBE_UNAVAILABLE'
  | 'KUBE_PROTOCOL'
  | 'KUBE_WATCH_LINE_TOO_LONG'
  | 'KUBE_REPLY_TOO_LARGE';

export function kubeError(code: KubeErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}): AppError {
  return new AppError(code, message, { ...options, statusCode: 503 });
}

const BY_STATUS: Readonly<Record<number, KubeErrorCode>> = {
  401: 'KUBE_UNAUTHORIZED',
  403: 'KUBE_FORBIDDEN',
  404: 'KUBE_NOT_FOUND',
  409: 'KUBE_CONFLICT',
  410: 'KUBE_EXPIRED',
  422: 'KUBE_INVALID',
};

const HINTS: Readonly<Partial<Record<KubeErrorCode, string>>> = {
  KUBE_UNAUTHORIZED: 'the service account token (or kubeconfig credentials) was rejected',
  KUBE_FORBIDDEN: 'grant the service account this verb on this resource (see docs/generator.md, RBAC)',
  KUBE_CONFLICT: 'another writer changed the object first; read it again before writing',
};

/** Turns a non-2xx API answer into a coded error; `body` is the parsed Status object if any. */
export function errorFromStatus(status: number, what: string, body: unknown): AppError {
  const code = BY_STATUS[status] ?? (status >= 500 || status === 429 ? 'KUBE_UNAVAILABLE' : 'KUBE_PROTOCOL');
  const apiMessage = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : undefined;
  const hint = HINTS[code];
  const message = `Kubernetes API ${status} for ${what}${apiMessage ? `: ${apiMessage}` : ''}${hint ? ` (${hint})` : ''}`;
  return kubeError(code, message, { details: { status } });
}
