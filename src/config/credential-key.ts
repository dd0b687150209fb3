// Which entries log in as the same account: the same auth settings (kind and where the secrets come
// from, e.g. the same environment variables). A pull Secret holds one login per host, so its key
// names the host too. Anonymous entries share no account: each registry counts anonymous requests by
// address on its own. The key is a digest, so
// an inline secret never becomes a map key or a log field.
import { createHash } from 'node:crypto';
import type { RegistryAuth } from './types.ts';

export function credentialKey(auth: RegistryAuth, host: string): string | undefined {
  if (auth.kind === 'none') return undefined;
  const account = auth.kind === 'pullSecret' ? { ...auth, host } : auth;
  return createHash('sha256').update(JSON.stringify(account)).digest('hex').slice(0, 32);
}
