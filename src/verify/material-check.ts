// What `check-config` adds for `verify:` (the parser only sees the config text): every public key
// read and parsed (PEM, supported key type) and every keyless trust root parsed, as `serve` would at
// its first new digest. A file or variable that is not there where check-config runs (a Secret
// mounted only in the cluster) is reported as not checked, not as a problem.
import type { Config, SelectionRule } from '../config/types.ts';
import { describeSecretSource, type SecretSource } from '../shared/secrets.ts';
import { describeError, isAppError } from '../shared/errors.ts';
import { readKeys } from './keys.ts';
import { readTrustedRoot } from './trusted-root.ts';

export interface MaterialReport {
  /** `path: message` lines for keys or roots that are there but unusable. */
  readonly problems: string[];
  /** `path: message` lines for sources that cannot be read here. */
  readonly unchecked: string[];
}

function rulesOf(config: Config): [string, SelectionRule][] {
  return config.watches.flatMap((watch, i): [string, SelectionRule][] => [
    [`watches[${i}]`, watch.rule],
    ...Object.entries(watch.environments).map(([env, rule]): [string, SelectionRule] => [`watches[${i}].environments.${env}`, rule]),
  ]);
}

export function checkVerifyMaterial(config: Config, env: NodeJS.ProcessEnv = process.env): MaterialReport {
  const report: MaterialReport = { problems: [], unchecked: [] };
  const seen = new Set<string>();
  const check = (path: string, source: SecretSource, read: () => unknown) => {
    const id = describeSecretSource(source);
    if (seen.has(id)) return;
    seen.add(id);
    try {
      read();
    } catch (err) {
      const line = `${path}: ${describeError(err)}`;
      (isAppError(err) && err.code === 'SECRET_UNREADABLE' ? report.unchecked : report.problems).push(line);
    }
  };
  for (const [at, rule] of rulesOf(config)) {
    const cosign = rule.verify?.cosign;
    if (!cosign) continue;
    cosign.publicKeys.forEach((source, j) => check(`${at}.verify.cosign.publicKeys[${j}]`, source, () => readKeys([source], env)));
    const keyless = cosign.keyless;
    if (keyless) check(`${at}.verify.cosign.keyless.trustedRoot`, keyless.trustedRoot, () => readTrustedRoot(keyless.trustedRoot, env));
  }
  return report;
}
