// The cloud login of a registry entry, if its auth names one (`auth.ecr`, …), wrapped in the
// renewal cache. The SDK clients are made here, once per registry client.
import type { RegistryConfig } from '../../config/types.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { createCloudCredentials, type CloudCredentials, type CloudLogin } from './login-cache.ts';
import { ecrLogin } from './ecr.ts';
import { googleLogin } from './google.ts';
import { acrLogin } from './acr.ts';

function loginFor(config: RegistryConfig, env: NodeJS.ProcessEnv | undefined): CloudLogin | undefined {
  const auth = config.auth;
  if (auth.kind === 'ecr') return ecrLogin(auth);
  if (auth.kind === 'google') return googleLogin(auth, env);
  if (auth.kind === 'acr') return acrLogin(config, env);
  return undefined;
}

export function cloudCredentialsFor(config: RegistryConfig, deps: { clock: Clock; logger: Logger; env?: NodeJS.ProcessEnv }): CloudCredentials | undefined {
  const login = loginFor(config, deps.env);
  return login && createCloudCredentials({ login, host: config.host, clock: deps.clock, logger: deps.logger, timeoutMs: config.timeoutMs });
}
