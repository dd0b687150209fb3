// Bearer token check for the ApplicationSet controller's calls (Argo CD's applicationset/services/plugin).
// The expected token comes from a mounted file (or env) and is re-read after `ttlMs`, so a rotated
// Secret takes effect without a restart; both sides are hashed to equal-length digests and
// compared with timingSafeEqual, so neither the content nor the length leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretSource } from '../config/types.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError, isAppError } from '../shared/errors.ts';
import { readSecret } from '../shared/secrets.ts';
import { serverError } from '../shared/http-errors.ts';
import type { AppError } from '../shared/errors.ts';

export interface TokenCheckOptions {
  readonly source: () => SecretSource | undefined;
  readonly clock: Clock;
  /** How long a read token is trusted before the file is read again. */
  readonly ttlMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Returns undefined when the header carries the right token, else the error to answer. */
export type TokenCheck = (authorization: string | undefined) => AppError | undefined;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function createTokenCheck(options: TokenCheckOptions): TokenCheck {
  const ttlMs = options.ttlMs ?? 2000;
  let cached: { source: SecretSource; digest: Buffer; readAt: number } | undefined;

  function expected(): Buffer | AppError {
    const source = options.source();
    if (!source) return serverError('AUTH_UNAVAILABLE', 'no token is configured (server.token), so no request can be authenticated');
    const now = options.clock.now();
    if (cached && cached.source === source && now - cached.readAt < ttlMs) return cached.digest;
    try {
      cached = { source, digest: digest(readSecret(source, options.env)), readAt: now };
      return cached.digest;
    } catch (err) {
      // Keep refusing rather than fall back to an old token: a removed Secret must lock the door.
      cached = undefined;
      return serverError('AUTH_UNAVAILABLE', `the service cannot read its token: ${describeError(err)}`);
    }
  }

  return (authorization) => {
    const want = expected();
    if (isAppError(want)) return want;
    if (!authorization) return serverError('AUTH_REQUIRED', 'missing Authorization header: send "Authorization: Bearer <token>" (the token Secret named in the plugin ConfigMap)');
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match) return serverError('AUTH_REQUIRED', 'the Authorization header must be "Bearer <token>"');
    const presented = match[1]!;
    if (timingSafeEqual(digest(presented), want)) return undefined;
    const hint = missingKeyHint(presented);
    return serverError('AUTH_INVALID', `invalid bearer token${hint}`);
  };
}

// For `token: $<secret>:<key>` Argo CD reads Secret <secret> and resolves "$<key>"; for `token: $<key>`
// it reads argocd-secret and resolves "$<key>". When the key is missing it sends that "$<key>" text
// itself as the token (applicationset/services/plugin/utils.go: ParseSecretKey, ReplaceStringSecret).
// The hint never repeats what was presented: a token that begins with "$" may still be a secret
// (a real token with a stray "$" in front), and answers and logs carry no secret.
function missingKeyHint(presented: string): string {
  if (!/^\$[-._a-zA-Z0-9]{1,253}$/.test(presented)) return '';
  return ': it begins with "$", which is what the controller sends when the Secret key that the plugin ConfigMap\'s token names is missing (it sends the reference "$<key>" itself; "$<secret>:<key>" reads Secret <secret>, "$<key>" reads argocd-secret); add the key to that Secret';
}
