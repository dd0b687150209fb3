// Registry credentials, read from their mounted files (or env) on every use so a rotated Kubernetes
// Secret takes effect without a restart. The values only ever go into an Authorization header.
import type { RegistryAuth } from '../config/types.ts';
import { readSecret } from '../shared/secrets.ts';

export type Credentials = { readonly kind: 'anonymous' } | { readonly kind: 'basic'; readonly username: string; readonly password: string };

/**
 * The credentials to present now. A static token (`auth.token`, e.g. a GitHub PAT for ghcr.io) is
 * presented as the password of a Basic pair: token realms (GHCR, GitLab, Harbor) exchange it like a
 * password and ignore the user name, as `docker login -u anything -p <token>` does.
 */
export function readCredentials(auth: RegistryAuth, env: NodeJS.ProcessEnv = process.env): Credentials {
  if (auth.kind === 'basic') return { kind: 'basic', username: readSecret(auth.username, env), password: readSecret(auth.password, env) };
  if (auth.kind === 'token') return { kind: 'basic', username: 'token', password: readSecret(auth.token, env) };
  return { kind: 'anonymous' };
}
