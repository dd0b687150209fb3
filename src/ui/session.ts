// The viewer's session cookie: `<issuedAt>.<HMAC-SHA256(viewer token, issuedAt)>`. Nothing is
// stored server-side, so every replica accepts it; rotating the viewer token ends every session.
// The browser never sees the token itself after the login form, and never the generator token.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'aip_viewer';
/** Sessions last twelve hours, then the login form asks again. */
export const SESSION_MS = 12 * 3600_000;

function mac(token: string, issuedAt: number): Buffer {
  return createHmac('sha256', token).update(`argocd-image-plugins viewer session ${issuedAt}`).digest();
}

export function issueSession(token: string, now: number): string {
  return `${now}.${mac(token, now).toString('base64url')}`;
}

export function sessionValid(cookie: string, token: string, now: number): boolean {
  const match = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
  if (!match) return false;
  const issuedAt = Number(match[1]);
  if (!(issuedAt <= now + 60_000 && now - issuedAt < SESSION_MS)) return false;
  return timingSafeEqual(Buffer.from(match[2]!, 'base64url'), mac(token, issuedAt));
}

/** One cookie's value from a Cookie header (bounded: long headers are not parsed). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/ui/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}${secure ? '; Secure' : ''}`;
}

export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/ui/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
