// One token request to a Bearer realm (https://distribution.github.io/distribution/spec/auth/token/):
// GET with the credentials as Basic (or anonymously when the realm is not trusted with them). A realm
// that refuses a cloud login's token is asked once more after a fresh login; its second refusal, or
// any refusal of static credentials, is REG_AUTH.
import { registryError } from './errors.ts';
import { basicHeader } from './auth.ts';
import type { Credentials } from './credentials.ts';
import type { CloudCredentials } from './cloud/login-cache.ts';
import type { HttpReply } from './transport.ts';
import { readTokenReply } from './token-reply.ts';

export interface RealmDeps {
  readonly host: string;
  readonly configured: boolean;
  readonly cloud?: CloudCredentials;
  readonly credentials: (signal?: AbortSignal) => Promise<Credentials>;
  readonly getToken: (url: URL, headers: Record<string, string>, signal?: AbortSignal) => Promise<HttpReply>;
}

export interface RealmRequest {
  /** The realm URL with service and scope parameters. */
  readonly url: URL;
  readonly repository: string;
  /** Whether the realm may receive the credentials (the registry's origin or listed in authRealms). */
  readonly trusted: boolean;
  /** The anonymous stand-in for an untrusted realm (logs the first withholding). */
  readonly withheld: () => Credentials;
  readonly signal?: AbortSignal;
}

export async function requestRealmToken(deps: RealmDeps, req: RealmRequest): Promise<{ token: string; ttlMs: number; anonymous: boolean }> {
  const { url, repository, signal } = req;
  const provider = deps.cloud?.provider;
  const ask = async (): Promise<{ reply: HttpReply; creds: Credentials }> => {
    const creds = req.trusted ? await deps.credentials(signal) : req.withheld();
    const headers: Record<string, string> = {};
    if (creds.kind === 'basic') headers.authorization = basicHeader(creds.username, creds.password);
    return { reply: await deps.getToken(url, headers, signal), creds };
  };
  let { reply, creds } = await ask();
  if ((reply.status === 401 || reply.status === 403) && deps.cloud && creds.kind === 'basic') {
    deps.cloud.invalidate(creds.password);
    ({ reply, creds } = await ask());
  }
  const ctx = { host: deps.host, repository, status: reply.status, request: `GET ${url.origin}${url.pathname}`, ...(provider !== undefined && { extra: { provider } }) };
  if (reply.status === 401 || reply.status === 403) {
    const why = req.trusted || !deps.configured ? '' : ` (the credentials were withheld: ${url.origin} is not the registry's origin; list it in registries[].authRealms)`;
    const who = creds.kind === 'anonymous' ? 'the anonymous request' : provider === undefined ? 'the configured credentials' : `the ${provider} credentials (also after a fresh login)`;
    throw registryError('REG_AUTH', `token realm refused ${who}${why}`, ctx);
  }
  if (reply.status !== 200) throw registryError('REG_PROTOCOL', `token realm answered ${reply.status}`, ctx);
  const parsed = readTokenReply(reply.body.toString('utf8'));
  if (!parsed.ok) throw registryError('REG_PROTOCOL', parsed.reason, ctx);
  return { token: parsed.token, ttlMs: parsed.ttlMs, anonymous: creds.kind === 'anonymous' };
}
