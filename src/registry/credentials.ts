// Registry credentials, read from their mounted files (or env) on every use so a rotated Kubernetes
// Secret takes effect without a restart, or from a pull Secret the service watches through the
// Kubernetes API (the reader is injected: this folder does no Kubernetes I/O). The values only ever go
// into an Authorization header.
import type { RegistryAuth } from '../config/types.ts';
import { readSecret } from '../shared/secrets.ts';
import type { DockerConfigResult } from './docker-config.ts';
import { registryError } from './errors.ts';

export type Credentials = { readonly kind: 'anonymous' } | { readonly kind: 'basic'; readonly username: string; readonly password: string };

/**
 * The Docker config of a watched pull Secret as last read, or why there is none (not read yet, not
 * found, forbidden, wrong type).
 */
export type PullSecretReader = (namespace: string, name: string) => DockerConfigResult;

/** Which provider the credentials of `auth` come from, for logs, errors and `resolve`. */
export function authProvider(auth: RegistryAuth): string {
  if (auth.kind === 'pullSecret') return `pullSecret ${auth.namespace}/${auth.name}`;
  if (auth.kind === 'ecr') return auth.public ? 'ecr-public' : 'ecr';
  if (auth.kind === 'google') return 'google';
  if (auth.kind === 'acr') return 'acr';
  return auth.kind === 'none' ? 'anonymous' : auth.kind;
}

/**
 * The credentials to present now. A static token (`auth.token`, e.g. a GitHub PAT for ghcr.io) is
 * presented as the password of a Basic pair: token realms (GHCR, GitLab, Harbor) exchange it like a
 * password and ignore the user name, as `docker login -u anything -p <token>` does.
 */
export function readCredentials(auth: RegistryAuth, host: string, env: NodeJS.ProcessEnv = process.env, pullSecrets?: PullSecretReader): Credentials {
  if (auth.kind === 'basic') return { kind: 'basic', username: readSecret(auth.username, env), password: readSecret(auth.password, env) };
  if (auth.kind === 'token') return { kind: 'basic', username: 'token', password: readSecret(auth.token, env) };
  if (auth.kind === 'pullSecret') return fromPullSecret(auth, host, pullSecrets);
  return { kind: 'anonymous' };
}

function fromPullSecret(auth: { namespace: string; name: string }, host: string, pullSecrets: PullSecretReader | undefined): Credentials {
  const secret = `pull Secret ${auth.namespace}/${auth.name}`;
  const fail = (why: string): never => {
    throw registryError('REG_AUTH', `${secret} ${why}`, { host, extra: { provider: 'pullSecret' } });
  };
  if (!pullSecrets) return fail('cannot be read: this command has no Kubernetes API access (run it in the service, or use username/password files)');
  const config = pullSecrets(auth.namespace, auth.name);
  if (!config.ok) return fail(config.reason);
  const login = config.logins.get(host);
  if (login === undefined) {
    const keys = [...config.logins.keys()].join(', ') || 'none';
    return fail(`has no entry for ${host} (it has: ${keys}; add "${host === 'docker.io' ? 'https://index.docker.io/v1/' : host}" to its auths)`);
  }
  if (typeof login === 'string') return fail(login);
  return { kind: 'basic', ...login };
}
