// Problems the service can see in its own inputs before any request needs them: a token or
// credential file that is missing or empty, a registry CA file that cannot be read. Each is a 503
// with its own message when a request needs it (getparams answers AUTH_UNAVAILABLE, a scan records
// the registry error); finding them at start and on every config reload puts the path in front of
// the operator at once: logged once at error level, and listed in /readyz's body.
import { accessSync, constants } from 'node:fs';
import type { Config, SecretSource } from '../config/types.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { readSecret } from '../shared/secrets.ts';

export interface StartupProblem {
  /** The config field, e.g. `server.token` or `registries[0].auth.password`. */
  readonly field: string;
  /** What is wrong, naming the file or variable (never its content). */
  readonly message: string;
}

function secretSources(config: Config): Array<[string, SecretSource]> {
  const out: Array<[string, SecretSource]> = [['server.token', config.server.token]];
  if (config.server.webhooks.secret) out.push(['server.webhooks.secret', config.server.webhooks.secret]);
  config.registries.forEach((r, i) => {
    if (r.auth.kind === 'basic') out.push([`registries[${i}].auth.username`, r.auth.username], [`registries[${i}].auth.password`, r.auth.password]);
    if (r.auth.kind === 'token') out.push([`registries[${i}].auth.token`, r.auth.token]);
    if (r.auth.kind === 'google' && r.auth.keyFile) out.push([`registries[${i}].auth.google.keyFile`, r.auth.keyFile]);
  });
  return out;
}

/** Every problem visible now in the config's secret and file references. */
export function findStartupProblems(config: Config, env: NodeJS.ProcessEnv = process.env): StartupProblem[] {
  const problems: StartupProblem[] = [];
  for (const [field, source] of secretSources(config)) {
    try {
      readSecret(source, env);
    } catch (err) {
      problems.push({ field, message: describeError(err) });
    }
  }
  config.registries.forEach((r, i) => {
    if (r.caFile === undefined) return;
    try {
      accessSync(r.caFile, constants.R_OK);
    } catch (err) {
      problems.push({ field: `registries[${i}].caFile`, message: `cannot read CA file ${r.caFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
    }
  });
  return problems;
}

export interface StartupChecks {
  /** Re-checks (at start and after every reload), logging each problem not already logged. */
  check(config: Config): void;
  problems(): readonly StartupProblem[];
}

export function createStartupChecks(logger: Logger, env: NodeJS.ProcessEnv = process.env): StartupChecks {
  const log = logger.child({ module: 'startup' });
  let current: StartupProblem[] = [];
  const logged = new Set<string>();
  return {
    check(config) {
      current = findStartupProblems(config, env);
      for (const p of current) {
        const key = `${p.field}\u0000${p.message}`;
        if (logged.has(key)) continue;
        logged.add(key);
        log.error({ field: p.field, problem: p.message }, 'configured file or variable unusable; requests that need it will be answered 503');
      }
    },
    problems: () => current,
  };
}
