// Artifact Registry / Container Registry login through google-auth-library: an OAuth access token
// presented as the password of `oauth2accesstoken`, which Google's registries accept at their token
// realm (https://cloud.google.com/artifact-registry/docs/docker/authentication#token). Without a key
// file the library's Application Default Credentials find the identity: GKE Workload Identity and
// Compute Engine through the metadata server (GCE_METADATA_HOST overrides its address), or
// GOOGLE_APPLICATION_CREDENTIALS. With `keyFile` the service account key is read from its mounted
// Secret at every login (a rotated key applies) and exchanged by the library at Google's token endpoint.
import type { RegistryAuth } from '../../config/types.ts';
import { readSecret } from '../../shared/secrets.ts';
import type { CloudLogin } from './login-cache.ts';

type GoogleAuthConfig = Extract<RegistryAuth, { kind: 'google' }>;

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
export const GOOGLE_USERNAME = 'oauth2accesstoken';
const MAX_KEY_BYTES = 64 * 1024;

/** The parsed service account key, checked before the library sees it (never echoed). */
function readKey(source: NonNullable<GoogleAuthConfig['keyFile']>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const text = readSecret(source, env);
  if (text.length > MAX_KEY_BYTES) throw new Error('the key file is larger than 64 KiB');
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    throw new Error('the key file is not JSON (download a service account key: gcloud iam service-accounts keys create)');
  }
  const k = key as Record<string, unknown>;
  if (typeof key !== 'object' || key === null || k.type !== 'service_account' || typeof k.client_email !== 'string' || typeof k.private_key !== 'string') {
    throw new Error('the key file is not a service account key (type service_account with client_email and private_key)');
  }
  return k;
}

export function googleLogin(auth: GoogleAuthConfig, env: NodeJS.ProcessEnv = process.env): CloudLogin {
  return {
    provider: 'google',
    prepare: async () => void (await import('google-auth-library')),
    async login() {
      const { GoogleAuth } = await import('google-auth-library');
      const credentials = auth.keyFile ? readKey(auth.keyFile, env) : undefined;
      // A fresh client per login: the library's own token cache must not hand back a token the
      // registry has just refused (our cache in login-cache.ts decides when to log in).
      // A registry token needs no project; naming one stops ADC from looking for it (it would run
      // `gcloud config config-helper` in a shell and ask the metadata server).
      const client = await new GoogleAuth({ scopes: [SCOPE], projectId: 'unused-for-registry-login', ...(credentials && { credentials }) }).getClient();
      const { token } = await client.getAccessToken();
      const expiry = client.credentials.expiry_date;
      if (typeof token !== 'string' || token.length === 0 || token.length > 8192 || !/^[\x21-\x7e]+$/.test(token)) throw new Error('no usable access token');
      if (typeof expiry !== 'number') throw new Error('the access token has no expiry');
      return { kind: 'basic', username: GOOGLE_USERNAME, password: token, expiresAt: expiry };
    },
  };
}
