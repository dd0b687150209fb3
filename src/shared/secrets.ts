// Secrets come from mounted files or environment variables, never from the config text itself.
// Files are read on every call (they are small), so a rotated Kubernetes Secret takes effect
// without a restart; the value is trimmed of surrounding white space, as Argo CD trims its tokens.
import { readFileSync } from 'node:fs';
import { AppError } from './errors.ts';
import { describeSecretSource, type SecretSource } from './secret-source.ts';

export { describeSecretSource, type SecretSource };

/** The current value of a secret; throws SECRET_UNREADABLE naming the source (never the value). */
export function readSecret(source: SecretSource, env: NodeJS.ProcessEnv = process.env): string {
  let raw: string | undefined;
  if ('file' in source) {
    try {
      raw = readFileSync(source.file, 'utf8');
    } catch (cause) {
      throw new AppError('SECRET_UNREADABLE', `cannot read secret from ${describeSecretSource(source)}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { cause });
    }
  } else {
    raw = env[source.env];
    if (raw === undefined) throw new AppError('SECRET_UNREADABLE', `secret ${describeSecretSource(source)} is not set`);
  }
  const value = raw.trim();
  if (value.length === 0) throw new AppError('SECRET_UNREADABLE', `secret from ${describeSecretSource(source)} is empty`);
  return value;
}
