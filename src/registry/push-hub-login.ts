// Docker Hub's own API (hub.docker.com) does not take the registry's Basic credentials: a private
// repository's tags API wants a Bearer access token made from them. Docker Hub API reference, "Create
// access token": `POST /v2/auth/token` with `{ identifier, secret }` (user name and password or
// personal access token) answers `{ access_token }`, a JWT that expires in 10 minutes. (The older
// `POST /v2/users/login` → `{ token }` is deprecated there in favour of this route.)
// The token is kept and renewed like a cloud login (login-cache.ts: one per registry entry, renewed
// inside a margin, one fresh login after a refusal, then REG_AUTH naming the provider).
import { request } from 'undici';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import { createCloudCredentials, type CloudCredentials } from './cloud/login-cache.ts';
import type { Credentials } from './credentials.ts';

export const HUB_LOGIN_PROVIDER = 'dockerhub-api';
/** The lifetime Docker Hub states for its access tokens, used when the token carries no `exp`. */
const HUB_TOKEN_MS = 10 * 60_000;
const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;
const MAX_REPLY = 64 * 1024;

export interface HubLoginDeps {
  readonly host: string;
  /** The push-time API base (`registries[].apiUrl`, default https://hub.docker.com). */
  readonly apiBase: URL;
  readonly credentials: (signal?: AbortSignal) => Promise<Credentials>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timeoutMs: number;
}

function jwtExpiry(token: string): number | undefined {
  try {
    const exp = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

async function createToken(deps: HubLoginDeps, signal: AbortSignal): Promise<{ token: string; expiresAt: number }> {
  const creds = await deps.credentials(signal);
  if (creds.kind !== 'basic') throw new Error('no user name and password to log in to the Docker Hub API with');
  const url = new URL('v2/auth/token', `${deps.apiBase.href.replace(/\/+$/, '')}/`);
  const res = await request(url, { method: 'POST', body: JSON.stringify({ identifier: creds.username, secret: creds.password }), headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'argocd-image-plugins' }, signal });
  const text = (await res.body.text()).slice(0, MAX_REPLY);
  if (res.statusCode !== 200) throw new Error(`POST ${url.pathname} answered ${res.statusCode}${res.statusCode === 401 ? ' (wrong user name or password / access token)' : ''}`);
  let token: unknown;
  try {
    token = (JSON.parse(text) as { access_token?: unknown }).access_token;
  } catch {
    throw new Error(`POST ${url.pathname} answered a body that is not JSON`);
  }
  if (typeof token !== 'string' || token.length > 16_384 || !TOKEN.test(token)) throw new Error(`POST ${url.pathname} returned no usable access_token`);
  return { token, expiresAt: jwtExpiry(token) ?? Date.now() + HUB_TOKEN_MS };
}

export function createHubLogin(deps: HubLoginDeps): CloudCredentials {
  return createCloudCredentials({
    login: {
      provider: HUB_LOGIN_PROVIDER,
      async login(signal) {
        const { token, expiresAt } = await createToken(deps, signal);
        return { kind: 'basic', username: '', password: token, expiresAt };
      },
    },
    host: deps.host, clock: deps.clock, logger: deps.logger, timeoutMs: deps.timeoutMs,
  });
}
