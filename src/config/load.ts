// Reading config.yaml: the file system and YAML edge of the config domain (YAML rules in yaml.ts).
// parseConfig does the rest.
import { open, type FileHandle } from 'node:fs/promises';
import { AppError, isAppError } from '../shared/errors.ts';
import { CFG_INVALID, CFG_NO_PATH, CFG_TOO_LARGE, CFG_UNREADABLE } from './errors.ts';
import { parseConfig, type ParseConfigResult } from './parse.ts';
import type { Config } from './types.ts';
import { yamlToData } from './yaml.ts';
import { yamlToDataOffThread } from './yaml-off-thread.ts';

export const CONFIG_ENV = 'ARGOCD_IMAGE_PLUGINS_CONFIG';

/** YAML text to a config, or every problem: YAML syntax errors first (`file:line:col`), then parseConfig's. */
export function parseConfigText(text: string, source: string): ParseConfigResult {
  const yaml = yamlToData(text, source);
  return yaml.ok ? parseConfig(yaml.data) : yaml;
}

/** parseConfigText with the YAML parsed in a worker thread (for the running service). */
export async function parseConfigTextOffThread(text: string, source: string): Promise<ParseConfigResult> {
  const yaml = await yamlToDataOffThread(text, source);
  return yaml.ok ? parseConfig(yaml.data) : yaml;
}

/**
 * The largest config file read: what one ConfigMap can hold. Kubernetes refuses a ConfigMap whose
 * data exceed 1 MiB (https://kubernetes.io/docs/concepts/configuration/configmap/), so a larger file
 * is not a config this service was given; it is refused before its text is read or parsed, which
 * also bounds the time a reload can take.
 */
export const CONFIG_MAX_BYTES = 1024 * 1024;

function tooLarge(file: string, size: number, exact: boolean): AppError {
  return new AppError(
    CFG_TOO_LARGE,
    `config file ${file} is ${exact ? '' : 'more than '}${size} bytes, over the ${CONFIG_MAX_BYTES}-byte (1 MiB) limit of a ConfigMap; shrink it (fewer or shorter watches, no large comments)`,
    { details: { file, bytes: size, limit: CONFIG_MAX_BYTES } },
  );
}

/** Up to CONFIG_MAX_BYTES + 1 bytes of an open file (the file may grow after it was measured). */
async function readBounded(handle: FileHandle): Promise<Buffer> {
  const buffer = Buffer.alloc(CONFIG_MAX_BYTES + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) return buffer.subarray(0, length);
    length += bytesRead;
    if (length === buffer.length) return buffer;
  }
}

/** The file's text; CFG_TOO_LARGE above 1 MiB (checked before reading), CFG_UNREADABLE naming the file and what to check. */
export async function readConfigText(file: string): Promise<string> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const stat = await handle.stat();
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: stat.isDirectory() ? 'EISDIR' : 'ENOTFILE' });
    if (stat.size > CONFIG_MAX_BYTES) throw tooLarge(file, stat.size, true);
    const bytes = await readBounded(handle);
    if (bytes.length > CONFIG_MAX_BYTES) throw tooLarge(file, CONFIG_MAX_BYTES, false);
    return bytes.toString('utf8');
  } catch (cause) {
    if (isAppError(cause)) throw cause;
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new AppError(CFG_UNREADABLE, `cannot read config file ${file} (${code}); check --config / ${CONFIG_ENV} and the ConfigMap mount`, { cause, details: { file } });
  } finally {
    await handle?.close();
  }
}

/** The CFG_INVALID error for a list of issues (one line per issue in the message). */
export function invalidConfigError(file: string, issues: readonly { path: string; message: string }[]): AppError {
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
  return new AppError(CFG_INVALID, `config file ${file} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${lines}`, { details: { file, issues } });
}

/** Read, YAML-parse and validate a config file; throws CFG_UNREADABLE or CFG_INVALID (details.issues). */
export async function loadConfig(file: string): Promise<Config> {
  const result = parseConfigText(await readConfigText(file), file);
  if (!result.ok) throw invalidConfigError(file, result.issues);
  return result.config;
}

/** The config path: `--config FILE` / `--config=FILE`, else $ARGOCD_IMAGE_PLUGINS_CONFIG; throws CFG_NO_PATH. */
export function configPathFrom(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--config=')) {
      const value = arg.slice('--config='.length);
      if (value !== '') return value;
    } else if (arg === '--config') {
      const value = argv[i + 1];
      if (value !== undefined && value !== '' && !value.startsWith('--')) return value;
    } else continue;
    throw new AppError(CFG_NO_PATH, '--config needs a file path (e.g. --config /etc/argocd-image-plugins/config.yaml)');
  }
  const fromEnv = env[CONFIG_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  throw new AppError(CFG_NO_PATH, `no config file given: pass --config FILE or set ${CONFIG_ENV} (the ConfigMap key config.yaml, mounted as a file)`);
}
