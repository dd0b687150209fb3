// A cloud registry login (ECR, Artifact Registry, ACR) mints a registry password that lives minutes
// to hours. One is kept per registry entry and renewed before it expires (a margin, never at the
// first refusal), so a hundred repositories cost one login per lifetime, not one per request.
// Concurrent readers share one login. A password the registry refused is forgotten once, however
// many requests saw it fail, so a revoked token costs exactly one fresh login.
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { isAppError } from '../../shared/errors.ts';
import { registryError } from '../errors.ts';

/** Credentials a provider's login produced: a Basic pair for the registry or its token realm. */
export interface CloudToken {
  readonly kind: 'basic';
  readonly username: string;
  readonly password: string;
  /** Wall-clock epoch ms after which the registry refuses it. */
  readonly expiresAt: number;
}

export interface CloudLogin {
  /** `ecr`, `ecr-public`, `google`, `acr`: named in logs, errors and `resolve`. */
  readonly provider: string;
  /**
   * Loads the provider's SDK (a dynamic import that can take seconds on a busy machine). Called
   * before the login's deadline starts, so loading code never counts as the provider being slow.
   */
  prepare?(): Promise<void>;
  login(signal: AbortSignal): Promise<CloudToken>;
  close?(): void;
}

export interface CloudCredentials {
  readonly provider: string;
  /** The current token, logging in first when there is none or it is inside its renewal margin. */
  read(signal?: AbortSignal): Promise<CloudToken>;
  /** The registry refused `password`: the next read logs in again (once, for every caller). */
  invalidate(password: string): void;
  /** Logins made so far (for the bench and tests). */
  logins(): number;
  close(): void;
}

export interface CloudCredentialsDeps {
  readonly login: CloudLogin;
  readonly host: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Longest a login may take before it fails with REG_AUTH. */
  readonly timeoutMs: number;
  /**
   * Wall-clock time, which providers' expiry times are written in (default Date.now). The lifetime
   * is measured with it and then scheduled on `clock`, which tests move by hand.
   */
  readonly wallNow?: () => number;
  /** Starts a login's deadline (default AbortSignal.timeout; tests record when it starts). */
  readonly deadline?: (ms: number) => AbortSignal;
}

/** Renew this long before expiry: a quarter of the lifetime, at most 5 minutes. */
export function renewalMargin(lifetimeMs: number): number {
  return Math.max(0, Math.min(5 * 60_000, lifetimeMs / 4));
}

export function createCloudCredentials(deps: CloudCredentialsDeps): CloudCredentials {
  const { provider } = deps.login;
  let current: { token: CloudToken; renewAt: number } | undefined;
  let inflight: Promise<CloudToken> | undefined;
  let count = 0;

  async function login(signal?: AbortSignal): Promise<CloudToken> {
    count += 1;
    let deadline: AbortSignal | undefined;
    let token: CloudToken;
    try {
      await deps.login.prepare?.();
      signal?.throwIfAborted();
      deadline = (deps.deadline ?? AbortSignal.timeout)(deps.timeoutMs);
      token = await deps.login.login(signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      throw loginError(provider, deps.host, cause, deadline?.aborted ? deps.timeoutMs : undefined);
    }
    const lifetime = token.expiresAt - (deps.wallNow ?? Date.now)();
    if (!(lifetime > 0)) throw registryError('REG_AUTH', `${provider} login returned a token that has already expired`, { host: deps.host, extra: { provider } });
    current = { token, renewAt: deps.clock.now() + lifetime - renewalMargin(lifetime) };
    deps.logger.debug({ provider, lifetimeSeconds: Math.round(lifetime / 1000) }, 'cloud registry login');
    return token;
  }

  return {
    provider,
    read(signal) {
      if (current && deps.clock.now() < current.renewAt) return Promise.resolve(current.token);
      inflight ??= login(signal).finally(() => (inflight = undefined));
      return inflight;
    },
    invalidate(password) {
      if (current?.token.password !== password) return;
      current = undefined;
      deps.logger.info({ provider }, 'registry refused the cloud login token: logging in again');
    },
    logins: () => count,
    close: () => deps.login.close?.(),
  };
}

/**
 * REG_AUTH naming the provider, with the SDK error's name and clipped message only: the SDK error
 * itself is not kept as `cause`, because its request options can hold a signed assertion or token
 * that a logged error would carry.
 */
function loginError(provider: string, host: string, cause: unknown, timedOutAfterMs: number | undefined) {
  if (isAppError(cause) && cause.code === 'REG_AUTH') return cause;
  const why = timedOutAfterMs !== undefined ? `timed out after ${timedOutAfterMs} ms` : cause instanceof Error ? `${cause.name}: ${cause.message}`.slice(0, 300) : 'failed';
  return registryError('REG_AUTH', `${provider} login failed: ${why}`, { host, extra: { provider } });
}
