// Answers a registry's 401 challenge and remembers the answer (Docker token auth:
// https://distribution.github.io/distribution/spec/auth/token/). Bearer: fetch a token from the realm
// for `service` + `scope`, anonymously or with Basic credentials, and cache it per scope until
// `expires_in` (default 60 s) minus a margin; concurrent callers share one token request. Basic: send the
// credentials on every request once the registry asked for them. Once the realm is known, tokens for new
// repositories are fetched before the first request, saving a 401 round trip per repository.
// Cloud logins (cloud/login-cache.ts) are the one exception to "a refusal is final": a refused cloud
// token is forgotten and the request is tried once more with a fresh login, then REG_AUTH names the
// provider.
import type { Logger } from '../shared/log.ts';
import type { Clock } from '../shared/clock.ts';
import { registryError } from './errors.ts';
import { basicHeader, parseWwwAuthenticate, pickChallenge } from './auth.ts';
import type { Credentials } from './credentials.ts';
import type { CloudCredentials } from './cloud/login-cache.ts';
import type { HttpReply } from './transport.ts';
import { requestRealmToken } from './realm-token.ts';

export interface AuthenticatorDeps {
  readonly host: string;
  /** The registry's base URL: a realm on plain http is refused when this is https. */
  readonly registryUrl: URL;
  /** Realm origins besides the registry's own that may receive credentials (registries[].authRealms). */
  readonly authRealms: readonly string[];
  readonly credentials: (signal?: AbortSignal) => Promise<Credentials>;
  /** Whether auth is configured at all (realms elsewhere are then asked anonymously, with a warning). */
  readonly configured: boolean;
  /** The cloud login behind `credentials`, when there is one: a refusal renews it once. */
  readonly cloud?: CloudCredentials;
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
  /**
   * Handles a 401: returns the header to retry with, or throws REG_AUTH. `attempt` is shared by the
   * answers of one request, so a cloud login is renewed at most once per request.
   */
  answer(reply: HttpReply, scope: string, repository: string, sent: string | undefined, attempt: AnswerAttempt, signal?: AbortSignal): Promise<string>;
  /** How many 401s one request may answer: 1, or 3 with a cloud login (answer, renew, final REG_AUTH). */
  readonly maxAnswers: number;
}

export interface AnswerAttempt {
  renewed: boolean;
}

interface CachedToken {
  readonly value: string;
  readonly expiresAt: number;
}

type AuthContext = { host: string; repository: string; status: number; extra?: Record<string, unknown> };

async function basicFor(deps: AuthenticatorDeps, repository: string, signal?: AbortSignal): Promise<string> {
  const creds = await deps.credentials(signal);
  if (creds.kind === 'anonymous') throw registryError('REG_AUTH', 'the registry asks for Basic credentials and none are configured (set registries[].auth)', { host: deps.host, repository, status: 401 });
  return basicHeader(creds.username, creds.password);
}

/** The registry's own origin, or one listed in authRealms. */
function isTrusted(deps: AuthenticatorDeps, url: URL): boolean {
  return url.origin === deps.registryUrl.origin || deps.authRealms.includes(url.origin);
}

/** Credentials stay with their registry: a realm elsewhere is asked anonymously (public images still work), warned once per origin. */
function createWithholder(deps: AuthenticatorDeps): (url: URL, repository: string) => Credentials {
  const warned = new Set<string>();
  return (url, repository) => {
    if (deps.configured && !warned.has(url.origin)) {
      warned.add(url.origin);
      deps.logger.warn({ repository, realm: url.origin }, 'token realm is on another origin: asking it anonymously; list it in registries[].authRealms to send the credentials there');
    }
    return { kind: 'anonymous' };
  };
}

/** The realm a Bearer challenge names; refused when unusable, or plain HTTP for an https registry unless listed. */
function challengeRealm(deps: AuthenticatorDeps, text: string, ctx: AuthContext): URL {
  const url = parseRealm(text);
  if (!url) throw registryError('REG_AUTH', 'Bearer challenge has no usable realm URL', ctx);
  if (deps.registryUrl.protocol === 'https:' && url.protocol !== 'https:' && !deps.authRealms.includes(url.origin)) {
    throw registryError('REG_AUTH', `refusing a token realm on ${url.protocol} for an https registry (list ${url.origin} in registries[].authRealms to allow it)`, { ...ctx, extra: { realm: url.origin } });
  }
  return url;
}

/** The registry may want more than pull (ACR wants metadata_read): ask for ours first, then the rest. */
function scopesFor(scope: string, wanted: string | undefined): string[] {
  return wanted !== undefined && wanted !== scope ? [scope, ...wanted.split(' ').filter((s) => s !== scope)] : [scope];
}

/** A refused Basic header: final, unless a cloud login can be renewed once for this request. */
function renewRefusedBasic(deps: AuthenticatorDeps, sent: string, attempt: AnswerAttempt, ctx: AuthContext): void {
  const provider = deps.cloud?.provider;
  if (!deps.cloud || attempt.renewed) throw registryError('REG_AUTH', `registry refused ${provider === undefined ? 'the configured Basic credentials' : `the ${provider} credentials (also after a fresh login)`}`, ctx);
  attempt.renewed = true;
  deps.cloud.invalidate(passwordOf(sent));
}

/** A refused Bearer token: a cloud login gets one fresh token per request, then REG_AUTH. */
function renewRefusedBearer(deps: AuthenticatorDeps, attempt: AnswerAttempt, ctx: AuthContext): void {
  if (attempt.renewed) throw registryError('REG_AUTH', `registry refused the tokens issued for the ${deps.cloud?.provider ?? 'configured'} credentials, also after a fresh one`, ctx);
  if (deps.cloud) attempt.renewed = true;
}

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  let scheme: 'unknown' | 'basic' | 'bearer' = 'unknown';
  let realm: { url: URL; service: string | undefined } | undefined;
  const tokens = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<string>>();
  const withheld = createWithholder(deps);
  const provider = deps.cloud?.provider;

  async function fetchToken(scopes: readonly string[], repository: string, signal?: AbortSignal): Promise<string> {
    if (!realm) throw new Error('token realm unknown');
    const url = new URL(realm.url);
    if (realm.service !== undefined) url.searchParams.set('service', realm.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const { token, ttlMs, anonymous } = await requestRealmToken(deps, { url, repository, trusted: isTrusted(deps, url), withheld: () => withheld(url, repository), ...(signal && { signal }) });
    // renew before the registry would refuse it: 10 s early, or half-way for short-lived tokens
    const expiresAt = deps.clock.now() + ttlMs - Math.min(10_000, ttlMs / 2);
    const primary = scopes[0];
    if (primary !== undefined) tokens.set(primary, { value: token, expiresAt });
    deps.logger.debug({ scopes, ttlMs, anonymous }, 'registry token obtained');
    return token;
  }

  /** Concurrent callers for the same scopes share one token request. */
  function tokenFor(scopes: readonly string[], repository: string, signal?: AbortSignal): Promise<string> {
    const key = scopes.join(' ');
    const running = inflight.get(key);
    if (running) return running;
    const p = fetchToken(scopes, repository, signal).finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  }

  return {
    maxAnswers: deps.cloud ? 3 : 1,

    async headerFor(scope, repository, signal) {
      if (scheme === 'basic') return basicFor(deps, repository, signal);
      if (scheme !== 'bearer') return undefined;
      const cached = tokens.get(scope);
      if (cached && cached.expiresAt > deps.clock.now()) return `Bearer ${cached.value}`;
      tokens.delete(scope);
      return `Bearer ${await tokenFor([scope], repository, signal)}`;
    },

    evict(scope) {
      tokens.delete(scope);
    },

    async answer(reply, scope, repository, sent, attempt, signal) {
      const challenge = pickChallenge(parseWwwAuthenticate(reply.headers['www-authenticate']));
      const ctx: AuthContext = { host: deps.host, repository, status: reply.status, ...(provider !== undefined && { extra: { provider } }) };
      if (!challenge) throw registryError('REG_AUTH', 'registry answered 401 without a Basic or Bearer challenge', ctx);
      if (challenge.scheme === 'basic') {
        if (sent?.startsWith('Basic ')) renewRefusedBasic(deps, sent, attempt, ctx);
        scheme = 'basic';
        return basicFor(deps, repository, signal);
      }
      if (sent?.startsWith('Bearer ')) renewRefusedBearer(deps, attempt, ctx);
      const url = challengeRealm(deps, challenge.params.realm ?? '', ctx);
      scheme = 'bearer';
      realm = { url, service: challenge.params.service };
      tokens.delete(scope);
      const scopes = scopesFor(scope, challenge.params.scope);
      deps.logger.debug({ repository, scopes, error: challenge.params.error }, 'registry asked for a token');
      return `Bearer ${await tokenFor(scopes, repository, signal)}`;
    },
  };
}

/** The password of a `Basic` header we built (RFC 7617: the user id holds no colon). */
function passwordOf(header: string): string {
  const pair = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  return pair.slice(pair.indexOf(':') + 1);
}

function parseRealm(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}
