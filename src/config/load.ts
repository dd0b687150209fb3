// Reading config.yaml: the file system and YAML edge of the config domain. parseConfig does the rest.
// YAML 1.2 core schema (the `yaml` package): `yes`/`no` stay strings, timestamps stay strings,
// duplicate keys are errors, alias expansion is bounded.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { AppError } from '../shared/errors.ts';
import { CFG_INVALID, CFG_NO_PATH, CFG_UNREADABLE } from './errors.ts';
import { parseConfig, type ParseConfigResult } from './parse.ts';
import type { Config } from './types.ts';

export const CONFIG_ENV = 'ARGOCD_IMAGE_PLUGINS_CONFIG';

/** YAML text to a config, or every problem: YAML syntax errors first (`file:line:col`), then parseConfig's. */
export function parseConfigText(text: string, source: string): ParseConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((err) => {
      const pos = lineCounter.linePos(err.pos[0]);
      return { path: `${source}:${pos.line}:${pos.col}`, message: `YAML syntax: ${err.message.split('\n')[0]}` };
    });
    return { ok: false, issues };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, issues: [{ path: source, message: `YAML: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  return parseConfig(data);
}

/** The file's text; CFG_UNREADABLE names the file and what to check. */
export async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new AppError(CFG_UNREADABLE, `cannot read config file ${file} (${code}); check --config / ${CONFIG_ENV} and the ConfigMap mount`, { cause, details: { file } });
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
