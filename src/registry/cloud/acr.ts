// Azure Container Registry login: an Entra ID access token from @azure/identity (AKS workload identity
// when AZURE_FEDERATED_TOKEN_FILE is set, else managed identity) traded at the registry's
// `POST /oauth2/exchange` (grant_type=access_token) for an ACR refresh token
// (https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md). The refresh token is the password of
// the user 00000000-0000-0000-0000-000000000000 at ACR's realm (`/oauth2/token`), which issues access
// tokens for the scopes the registry's Bearer challenge asks for (the authenticator's realm request).
// The exchange goes only to the registry's own URL.
import { request } from 'undici';
import type { RegistryConfig } from '../../config/types.ts';
import type { CloudLogin } from './login-cache.ts';

const SCOPE = 'https://containerregistry.azure.net/.default';
export const ACR_USERNAME = '00000000-0000-0000-0000-000000000000';
/** Public-cloud authorities whose instance discovery MSAL knows; any other host is a private or test authority. */
const KNOWN_AUTHORITIES = ['https://login.microsoftonline.com', 'https://login.chinacloudapi.cn', 'https://login.microsoftonline.us'];
const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

type Credential = { getToken(scope: string, options: { abortSignal: AbortSignal }): Promise<{ token: string; expiresOnTimestamp: number } | null> };

async function credential(env: NodeJS.ProcessEnv): Promise<Credential> {
  const identity = await import('@azure/identity');
  const authority = env.AZURE_AUTHORITY_HOST?.replace(/\/+$/, '');
  const disableInstanceDiscovery = authority !== undefined && !KNOWN_AUTHORITIES.includes(authority);
  if (env.AZURE_FEDERATED_TOKEN_FILE) return new identity.WorkloadIdentityCredential({ disableInstanceDiscovery });
  return new identity.ManagedIdentityCredential(env.AZURE_CLIENT_ID ? { clientId: env.AZURE_CLIENT_ID } : {});
}

/** The `exp` of a JWT, in ms, when the token is one (ACR refresh tokens are). */
function jwtExpiry(token: string): number | undefined {
  try {
    const exp = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

async function exchange(config: RegistryConfig, accessToken: string, tenant: string | undefined, signal: AbortSignal): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'access_token', service: config.host, access_token: accessToken, ...(tenant && { tenant }) });
  const res = await request(`${config.url}/oauth2/exchange`, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, signal });
  const text = (await res.body.text()).slice(0, 64 * 1024);
  if (res.statusCode !== 200) throw new Error(`${config.host}/oauth2/exchange answered ${res.statusCode}`);
  const refresh = (JSON.parse(text) as { refresh_token?: unknown }).refresh_token;
  if (typeof refresh !== 'string' || refresh.length > 16_384 || !TOKEN.test(refresh)) throw new Error('/oauth2/exchange returned no usable refresh_token');
  return refresh;
}

export function acrLogin(config: RegistryConfig, env: NodeJS.ProcessEnv = process.env): CloudLogin {
  let made: Promise<Credential> | undefined;
  return {
    provider: 'acr',
    prepare: async () => void (await (made ??= credential(env))),
    async login(signal) {
      made ??= credential(env);
      const aad = await (await made).getToken(SCOPE, { abortSignal: signal });
      if (!aad) throw new Error('no Entra ID token');
      const tenant = env.AZURE_TENANT_ID;
      const refresh = await exchange(config, aad.token, tenant, signal);
      // the refresh token's own lifetime (3 h at ACR) counts, not the Entra token's it was traded for
      const expiresAt = jwtExpiry(refresh) ?? aad.expiresOnTimestamp;
      return { kind: 'basic', username: ACR_USERNAME, password: refresh, expiresAt };
    },
  };
}
