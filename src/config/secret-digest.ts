// A configured secret as a SHA-256 digest, re-read after a short TTL so a rotated Secret takes
// effect without a restart. Comparing digests with timingSafeEqual leaks neither the content nor
// the length of the secret through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretSource } from './types.ts';
import type { Clock } from '../shared/clock.ts';
import { readSecret } from '../shared/secrets.ts';

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function sameSecret(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(sha256(presented), expected);
}

export interface SecretDigest {
  /** The digest and raw value, undefined when not configured; throws SECRET_UNREADABLE when unreadable. */
  current(): { digest: Buffer; value: string } | undefined;
}

export function secretDigest(source: () => SecretSource | undefined, clock: Clock, env?: NodeJS.ProcessEnv, ttlMs = 2000): SecretDigest {
  let cached: { source: SecretSource; digest: Buffer; value: string; readAt: number } | undefined;
  return {
    current() {
      const s = source();
      if (!s) return undefined;
      const now = clock.now();
      if (cached && cached.source === s && now - cached.readAt < ttlMs) return cached;
      cached = undefined;
      const value = readSecret(s, env);
      cached = { source: s, digest: sha256(value), value, readAt: now };
      return cached;
    },
  };
}
