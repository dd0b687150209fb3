// Answers a registry's 401 challenge and remembers the answer (Docker token auth:
// https://distribution.github.io/distribution/spec/auth/token/). Bearer: fetch a token from the realm
// for `service` + `scope`, anonymously or with Basic credentials, and cache it per scope until
// `expires_in` (default 60 s) minus a margin; concurrent callers share one token request. Basic: send the
// credentials on every request once the registry asked for them. Once the realm is known, tokens for new
// repositories are fetched before the first request, saving a 401 round trip per repository.
import type { Logger } from '../shared/log.ts';
import type { Clock } from '../shared/clock.ts';
import { registryError } from './errors.ts';
import { basicHeader, parseWwwAuthenticate, pickChallenge } from './auth.ts';
import type { Credentials } from './credentials.ts';
import type { HttpReply } from './transport.ts';
import { readTokenReply } from './token-reply.ts';

export interface AuthenticatorDeps {
  readonly host: string;
  /** The registry's base URL: a realm on plain http is refused when this is https. */
  readonly registryUrl: URL;
  /** Realm origins besides the registry's own that may receive credentials (registries[].authRealms). */
  readonly authRealms: readonly string[];
  readonly credentials: () => Credentials;
  /** GET a token realm URL (through the transport: budget, retries, timeouts). */
  readonly getToken: (url: URL, headers: Record<string, string>, signal?: AbortSignal) => Promise<HttpReply>;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface Authenticator {
  /** The Authorization header to send for `scope` before any challenge, if one is known. */
  headerFor(scope: string, repository: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Forgets the cached token for `scope`: it could not be used (a local failure sending it). */
  evict(scope: string): void;
  /** Handles a 401: returns the header to retry with, or throws REG_AUTH. */
  answer(reply: HttpReply, scope: string, repository: string, sent: string | undefined, signal?: AbortSignal): Promise<string>;
}

interface CachedToken {
  readonly value: string;
  readonly expiresAt: number;
}

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  let scheme: 'unknown' | 'basic' | 'bearer' = 'unknown';
  let realm: { url: URL; service: string | undefined } | undefined;
  const tokens = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<string>>();
  const warned = new Set<string>();

  function basic(repository: string): string {
    const creds = deps.credentials();
    if (creds.kind === 'anonymous') throw registryError('REG_AUTH', 'the registry asks for Basic credentials and none are configured (set registries[].auth)', { host: deps.host, repository, status: 401 });
    return basicHeader(creds.username, creds.password);
  }

  async function fetchToken(scopes: readonly string[], repository: string, signal?: AbortSignal): Promise<string> {
    if (!realm) throw new Error('token realm unknown');
    const url = new URL(realm.url);
    if (realm.service !== undefined) url.searchParams.set('service', realm.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const creds = trusted(url) ? deps.credentials() : withheld(url, repository);
    const headers: Record<string, string> = {};
    if (creds.kind === 'basic') headers.authorization = basicHeader(creds.username, creds.password);
    const reply = await deps.getToken(url, headers, signal);
    const ctx = { host: deps.host, repository, status: reply.status, request: `GET ${url.origin}${url.pathname}` };
    if (reply.status === 401 || reply.status === 403) {
      const why = trusted(url) || !hasCredentials() ? '' : ` (the credentials were withheld: ${url.origin} is not the registry's origin; list it in registries[].authRealms)`;
      throw registryError('REG_AUTH', `token realm refused the ${creds.kind === 'basic' ? 'configured credentials' : 'anonymous request'}${why}`, ctx);
    }
    if (reply.status !== 200) throw registryError('REG_PROTOCOL', `token realm answered ${reply.status}`, ctx);
    const parsed = readTokenReply(reply.body.toString('utf8'));
    if (!parsed.ok) throw registryError('REG_PROTOCOL', parsed.reason, ctx);
    const { token, ttlMs } = parsed;
    // renew before the registry would refuse it: 10 s early, or half-way for short-lived tokens
    const expiresAt = deps.clock.now() + ttlMs - Math.min(10_000, ttlMs / 2);
    const primary = scopes[0];
    if (primary !== undefined) tokens.set(primary, { value: token, expiresAt });
    deps.logger.debug({ scopes, ttlMs, anonymous: creds.kind === 'anonymous' }, 'registry token obtained');
    return token;
  }

  /** The registry's own origin, or one listed in authRealms. */
  function trusted(url: URL): boolean {
    return url.origin === deps.registryUrl.origin || deps.authRealms.includes(url.origin);
  }

  function hasCredentials(): boolean {
    try {
      return deps.credentials().kind !== 'anonymous';
    } catch {
      return true;
    }
  }

  /** Credentials stay with their registry: a realm elsewhere is asked anonymously (public images still work). */
  function withheld(url: URL, repository: string): Credentials {
    if (hasCredentials() && !warned.has(url.origin)) {
      warned.add(url.origin);
      deps.logger.warn({ repository, realm: url.origin }, 'token realm is on another origin: asking it anonymously; list it in registries[].authRealms to send the credentials there');
    }
    return { kind: 'anonymous' };
  }

  function tokenFor(scopes: readonly string[], repository: string, signal?: AbortSignal): Promise<string> {
    const key = scopes.join(' ');
    const running = inflight.get(key);
    if (running) return running;
    const p = fetchToken(scopes, repository, signal).finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  }

  return {
    async headerFor(scope, repository, signal) {
      if (scheme === 'basic') return basic(repository);
      if (scheme !== 'bearer') return undefined;
      const cached = tokens.get(scope);
      if (cached && cached.expiresAt > deps.clock.now()) return `Bearer ${cached.value}`;
      tokens.delete(scope);
      return `Bearer ${await tokenFor([scope], repository, signal)}`;
    },

    evict(scope) {
      tokens.delete(scope);
    },

    async answer(reply, scope, repository, sent, signal) {
      const challenge = pickChallenge(parseWwwAuthenticate(reply.headers['www-authenticate']));
      const ctx = { host: deps.host, repository, status: reply.status };
      if (!challenge) throw registryError('REG_AUTH', 'registry answered 401 without a Basic or Bearer challenge', ctx);
      if (challenge.scheme === 'basic') {
        if (sent?.startsWith('Basic ')) throw registryError('REG_AUTH', 'registry refused the configured Basic credentials', ctx);
        scheme = 'basic';
        return basic(repository);
      }
      const url = parseRealm(challenge.params.realm ?? '');
      if (!url) throw registryError('REG_AUTH', 'Bearer challenge has no usable realm URL', ctx);
      if (deps.registryUrl.protocol === 'https:' && url.protocol !== 'https:' && !deps.authRealms.includes(url.origin)) {
        throw registryError('REG_AUTH', `refusing a token realm on ${url.protocol} for an https registry (list ${url.origin} in registries[].authRealms to allow it)`, { ...ctx, extra: { realm: url.origin } });
      }
      scheme = 'bearer';
      realm = { url, service: challenge.params.service };
      tokens.delete(scope);
      // the registry may want more than pull (ACR wants metadata_read); ask for both
      const wanted = challenge.params.scope;
      const scopes = wanted !== undefined && wanted !== scope ? [scope, ...wanted.split(' ').filter((s) => s !== scope)] : [scope];
      deps.logger.debug({ repository, scopes, error: challenge.params.error }, 'registry asked for a token');
      return `Bearer ${await tokenFor(scopes, repository, signal)}`;
    },
  };
}

function parseRealm(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}
