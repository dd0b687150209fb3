// Constant-time comparisons for webhook secrets and signatures: both sides are hashed to equal
// length first, so neither content nor length leaks through timing.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `sha256=<hex>` HMAC of the raw body, as GitHub sends in X-Hub-Signature-256. */
export function hmacSha256Header(body: Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
