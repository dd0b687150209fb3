// Who may take operations: a Bearer token equal to one of server.operatorTokens, whose name is
// recorded as who acted. The generator's token (server.token) is refused here even when an operator
// token was configured with the same value, and operator tokens are never accepted by the generator
// routes (they compare against server.token alone). Every configured token is compared, each as a
// SHA-256 digest with timingSafeEqual, so neither which token matched nor any length leaks through
// timing; tokens are re-read after a short TTL so a rotated Secret applies without a restart.
import type { Config, OperatorToken } from '../config/types.ts';
import type { Clock } from '../shared/clock.ts';
import type { AppError } from '../shared/errors.ts';
import { sameSecret, secretDigest, type SecretDigest } from '../config/secret-digest.ts';
import { opsError } from './errors.ts';

export type OperatorCheck = (authorization: string | undefined) => { readonly name: string } | AppError;

export function createOperatorCheck(deps: { config: () => Config | undefined; clock: Clock; env?: NodeJS.ProcessEnv; ttlMs?: number }): OperatorCheck {
  const digests = new Map<OperatorToken, SecretDigest>();
  const generator = secretDigest(() => deps.config()?.server.token, deps.clock, deps.env, deps.ttlMs);

  function digestOf(entry: OperatorToken): SecretDigest {
    let d = digests.get(entry);
    if (!d) digests.set(entry, (d = secretDigest(() => entry.token, deps.clock, deps.env, deps.ttlMs)));
    return d;
  }

  function isGeneratorToken(presented: string): boolean {
    try {
      const g = generator.current();
      return g !== undefined && sameSecret(presented, g.digest);
    } catch {
      return false;
    }
  }

  return (authorization) => {
    const entries = deps.config()?.server.operatorTokens ?? [];
    if (entries.length === 0) return opsError('OPS_DISABLED', 'operations are off: configure server.operatorTokens (a name and a token distinct from server.token)');
    // Forget digests of entries no longer configured (a reload made new ones).
    for (const key of digests.keys()) if (!entries.includes(key)) digests.delete(key);
    const match = authorization === undefined ? null : /^Bearer\s+(\S{1,4096})$/i.exec(authorization.trim());
    if (!match) return opsError('OPS_AUTH_REQUIRED', 'send "Authorization: Bearer <operator token>" (a token of server.operatorTokens)');
    const presented = match[1]!;
    if (isGeneratorToken(presented)) return opsError('OPS_AUTH_INVALID', "this is the generator's token (server.token); operations take an operator token of server.operatorTokens");
    let found: string | undefined;
    for (const entry of entries) {
      try {
        const d = digestOf(entry).current();
        if (d && sameSecret(presented, d.digest) && found === undefined) found = entry.name;
      } catch {
        // One unreadable token file must not lock out the others' holders.
      }
    }
    return found === undefined ? opsError('OPS_AUTH_INVALID', 'invalid operator token (compare with the Secret named by server.operatorTokens)') : { name: found };
  };
}
