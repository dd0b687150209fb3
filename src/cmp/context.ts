// Setting up a command: the sidecar config file (only `cmp.extraImagePaths` is read here; the rest
// belongs to the service), the options, and the render context.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { cmpError } from './errors.ts';
import { readOptions, type CmpOptions, type Env } from './options.ts';
import type { Clock } from '../shared/clock.ts';

/** The process edges a command talks to; tests pass their own. */
export interface CmpIo {
  readonly env: Env;
  readonly cwd: string;
  writeStdout(text: string): Promise<void>;
  writeStderr(text: string): void;
  readonly clock: Clock;
  readonly fetch?: typeof fetch;
}

/** `cmp.extraImagePaths` from the config file named by ARGOCD_IMAGE_PLUGINS_CONFIG. */
export async function configImagePaths(env: Env): Promise<string[]> {
  const file = env.ARGOCD_IMAGE_PLUGINS_CONFIG?.trim();
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw cmpError('CMP_OPTIONS_INVALID', `ARGOCD_IMAGE_PLUGINS_CONFIG: cannot read ${file} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (cause) {
    throw cmpError('CMP_OPTIONS_INVALID', `ARGOCD_IMAGE_PLUGINS_CONFIG: ${file} is not valid YAML (${(cause as Error).message.split('\n')[0]})`, { cause });
  }
  const paths = (data as { cmp?: { extraImagePaths?: unknown } } | null)?.cmp?.extraImagePaths;
  if (paths === undefined || paths === null) return [];
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')) {
    throw cmpError('CMP_OPTIONS_INVALID', `${file}: cmp.extraImagePaths must be a list of paths such as "steps[].image"`);
  }
  return paths as string[];
}

export async function loadOptions(env: Env): Promise<CmpOptions> {
  return readOptions(env, { configImagePaths: await configImagePaths(env) });
}
