// Secret references: `{ file: PATH }` or `{ env: NAME }`, plus the `xxxFile: PATH` shorthand.
// The config never holds a secret value itself ("Secrets stay secret").
import type { SecretSource } from './types.ts';
import { child, describe, isMapping, readMapping, readString, report, type IssueSink } from './reader.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `{ file }` or `{ env }` at `path`; reports and yields undefined on anything else. */
export function readSecretSource(sink: IssueSink, value: unknown, path: string): SecretSource | undefined {
  if (typeof value === 'string') {
    report(sink, path, `secrets are never written in the config; use { file: /path/to/mounted/secret } or { env: VARIABLE_NAME }`);
    return undefined;
  }
  if (!isMapping(value)) {
    report(sink, path, `expected { file: PATH } or { env: NAME }, got ${describe(value)}`);
    return undefined;
  }
  const m = readMapping(sink, value, path, ['file', 'env']);
  if (m === undefined) return undefined;
  if ((m.file === undefined) === (m.env === undefined)) {
    report(sink, path, 'give exactly one of file or env');
    return undefined;
  }
  if (m.file !== undefined) {
    const file = readString(sink, m.file, child(path, 'file'));
    return file === undefined ? undefined : { file };
  }
  const env = readString(sink, m.env, child(path, 'env'));
  if (env === undefined) return undefined;
  if (!ENV_NAME.test(env)) {
    report(sink, child(path, 'env'), `"${env}" is not an environment variable name (letters, digits and _)`);
    return undefined;
  }
  return { env };
}

/**
 * A secret written either as `<name>: {file|env}` or as the shorthand `<name>File: PATH`.
 * Both at once is reported. Returns undefined when neither is present.
 */
export function readSecretPair(sink: IssueSink, m: Record<string, unknown>, path: string, name: string): SecretSource | undefined {
  const longKey = name;
  const shortKey = `${name}File`;
  if (m[longKey] !== undefined && m[shortKey] !== undefined) {
    report(sink, child(path, shortKey), `give either ${longKey} or ${shortKey}, not both`);
    return undefined;
  }
  if (m[shortKey] !== undefined) {
    const file = readString(sink, m[shortKey], child(path, shortKey));
    return file === undefined ? undefined : { file };
  }
  if (m[longKey] !== undefined) return readSecretSource(sink, m[longKey], child(path, longKey));
  return undefined;
}
