// The cloud login of a registry entry, if its auth names one (`auth.ecr`, …), wrapped in the
// renewal cache. The SDK clients are made here, once per registry client.
import type { RegistryConfig } from '../../config/types.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { createCloudCredentials, type CloudCredentials, type CloudLogin } from './login-cache.ts';
import { ecrLogin, type EcrSession } from './ecr.ts';
import { googleLogin } from './google.ts';
import { acrLogin } from './acr.ts';

function loginFor(config: RegistryConfig, env: NodeJS.ProcessEnv | undefined, ecr: EcrSession | undefined): CloudLogin | undefined {
  const auth = config.auth;
  if (auth.kind === 'ecr') return ecrLogin(auth, ecr);
  if (auth.kind === 'google') return googleLogin(auth, env);
  if (auth.kind === 'acr') return acrLogin(config, env);
  return undefined;
}

/** `ecr`: the registry entry's SDK session, shared with its push-time listing. */
export function cloudCredentialsFor(config: RegistryConfig, deps: { clock: Clock; logger: Logger; env?: NodeJS.ProcessEnv; ecr?: EcrSession }): CloudCredentials | undefined {
  const login = loginFor(config, deps.env, deps.ecr);
  return login && createCloudCredentials({ login, host: config.host, clock: deps.clock, logger: deps.logger, timeoutMs: config.timeoutMs });
}
