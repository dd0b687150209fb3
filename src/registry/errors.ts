// The registry domain's error codes (docs/registry.md lists each). Every error names the registry
// host and, when there is one, the repository in `details`, keeps the underlying failure as `cause`,
// and never carries a credential or token.
import { AppError } from '../shared/errors.ts';

export type RegistryErrorCode =
  /** 401/403 after authenticating, a refused token request, or credentials missing for a Basic realm. */
  | 'REG_AUTH'
  /** 404: unknown repository, tag, manifest or blob. */
  | 'REG_NOT_FOUND'
  /** 5xx after bounded retries, connection refused/reset, DNS or TLS failure. */
  | 'REG_UNAVAILABLE'
  /** 429 after bounded retries, or a Retry-After longer than the client will wait. */
  | 'REG_RATE_LIMITED'
  /** No response headers or body within `timeoutMs`. */
  | 'REG_TIMEOUT'
  /** A reply that breaks the protocol: bad JSON, wrong digest, unknown media type, unexpected status. */
  | 'REG_PROTOCOL'
  /** The per-cycle request budget is spent; nothing was sent. */
  | 'REG_BUDGET_EXHAUSTED'
  /** A manifest, blob or tag list larger than the client reads. */
  | 'REG_TOO_LARGE'
  /** A repository name or reference the client refuses to put in a URL (a caller bug, nothing was sent). */
  | 'REG_INVALID_REFERENCE'
  /** No registry entry for a host (cannot happen with a parsed config: every host gets one). */
  | 'REG_NOT_CONFIGURED';

export const REGISTRY_ERROR_CODES: readonly RegistryErrorCode[] = [
  'REG_AUTH',
  'REG_NOT_FOUND',
  'REG_UNAVAILABLE',
  'REG_RATE_LIMITED',
  'REG_TIMEOUT',
  'REG_PROTOCOL',
  'REG_BUDGET_EXHAUSTED',
  'REG_TOO_LARGE',
  'REG_INVALID_REFERENCE',
];

export interface RegistryErrorContext {
  readonly host: string;
  readonly repository?: string;
  /** HTTP status of the reply that failed, when there was one. */
  readonly status?: number;
  /** Method and path (no query, no credentials) of the failed request. */
  readonly request?: string;
  readonly cause?: unknown;
  /** Any further facts (registry error code, retryAfterMs, limit …). Never secrets. */
  readonly extra?: Record<string, unknown>;
}

/** HTTP status an API answer derived from this failure should carry (upstream trouble, not ours). */
function statusFor(code: RegistryErrorCode): number {
  if (code === 'REG_TIMEOUT') return 504;
  if (code === 'REG_INVALID_REFERENCE') return 400;
  return 502;
}

export function registryError(code: RegistryErrorCode, message: string, ctx: RegistryErrorContext): AppError {
  const details: Record<string, unknown> = { host: ctx.host };
  if (ctx.repository !== undefined) details.repository = ctx.repository;
  if (ctx.status !== undefined) details.status = ctx.status;
  if (ctx.request !== undefined) details.request = ctx.request;
  Object.assign(details, ctx.extra);
  const where = ctx.repository === undefined ? ctx.host : `${ctx.host}/${ctx.repository}`;
  return new AppError(code, `${where}: ${message}`, { cause: ctx.cause, statusCode: statusFor(code), details });
}

/** The registry error code of an AppError from this domain, if it is one. */
export function registryErrorCode(err: unknown): RegistryErrorCode | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (REGISTRY_ERROR_CODES as readonly string[]).includes(code) ? (code as RegistryErrorCode) : undefined;
}
