// A token realm's reply (Docker token spec, https://distribution.github.io/distribution/spec/auth/token/
// "Token Response Fields"): `token` (or OAuth2's `access_token`), optional `expires_in` seconds. The
// realm is untrusted input like the registry: what we cache is sent in an Authorization header on
// every request until it expires, so a bad value would fail every request for its whole lifetime.
// Refused (REG_PROTOCOL, never cached): a token outside RFC 6750 §2.1's b64token grammar (a CR/LF
// or space would split or break the header), a token longer than MAX_TOKEN_CHARS, and a lifetime
// that is not a number of seconds in 1..MAX_EXPIRES_IN_S. Pure.

/** Default token lifetime when the realm gives no `expires_in` (token spec: 60 seconds). */
export const DEFAULT_EXPIRES_IN_S = 60;
/** Longest lifetime believed: a day. Docker Hub gives 300 s, GCR 3600 s, ECR 12 h. */
export const MAX_EXPIRES_IN_S = 86_400;
/** Longest token sent: registries' header limits sit at 8–16 KiB; real tokens are 1–4 KiB. */
export const MAX_TOKEN_CHARS = 8_192;

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export type TokenReply = { readonly ok: true; readonly token: string; readonly ttlMs: number } | { readonly ok: false; readonly reason: string };

export function readTokenReply(text: string): TokenReply {
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { ok: false, reason: 'token realm reply is not JSON' };
  }
  if (typeof body !== 'object' || body === null) return { ok: false, reason: 'token realm reply is not a JSON object' };
  const token = typeof body.token === 'string' && body.token !== '' ? body.token : body.access_token;
  if (typeof token !== 'string' || token === '') return { ok: false, reason: 'token realm reply has no token' };
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: `token realm sent a token of ${token.length} characters (more than ${MAX_TOKEN_CHARS})` };
  if (!B64TOKEN.test(token)) return { ok: false, reason: 'token realm sent a token with characters a bearer token cannot hold (RFC 6750 b64token)' };
  const expires = body.expires_in;
  if (expires === undefined || expires === null) return { ok: true, token, ttlMs: DEFAULT_EXPIRES_IN_S * 1000 };
  if (typeof expires !== 'number' || !Number.isFinite(expires) || expires < 1 || expires > MAX_EXPIRES_IN_S) {
    return { ok: false, reason: `token realm sent expires_in ${JSON.stringify(expires).slice(0, 40)}; expected seconds in 1..${MAX_EXPIRES_IN_S}` };
  }
  return { ok: true, token, ttlMs: expires * 1000 };
}
