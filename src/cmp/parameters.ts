// ARGOCD_APP_PARAMETERS: the Application's `spec.source.plugin.parameters`, as a compact JSON array
// (Argo CD's config-management-plugins.md). Absent when the Application has no plugin section, the text `null` when
// it has no parameters; otherwise one object per parameter with any of `string` / `array` / `map`.
// Pure: parse, then pick the parameters this plugin announces.
import { cmpError } from './errors.ts';

export interface AppParameter {
  readonly name: string;
  readonly string?: string;
  readonly array?: readonly string[];
  readonly map?: Readonly<Record<string, string>>;
}

/** The parameters this plugin understands (see `cmp parameters` and docs/cmp.md). */
export interface PluginParameters {
  /** image repository → full new reference */
  readonly images?: Readonly<Record<string, string>>;
  /** Helm values files, relative to the application directory. */
  readonly valuesFiles?: readonly string[];
  /** Helm `--set` values. */
  readonly helmParameters?: Readonly<Record<string, string>>;
}

export const PARAMETER_NAMES = { images: 'images', valuesFiles: 'values-files', helmParameters: 'helm-parameters' } as const;

function invalid(message: string): never {
  throw cmpError('CMP_PARAMS_INVALID', `ARGOCD_APP_PARAMETERS: ${message}`);
}

function stringRecord(value: unknown, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`${where} must be a map of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') invalid(`${where}.${k} must be a string`);
    out[k] = v;
  }
  return out;
}

/** Parse the raw variable; absent, empty and `null` mean no parameters. */
export function parseAppParameters(raw: string | undefined): readonly AppParameter[] {
  if (raw === undefined || raw.trim() === '' || raw.trim() === 'null') return [];
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (cause) {
    throw cmpError('CMP_PARAMS_INVALID', `ARGOCD_APP_PARAMETERS is not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (data === null) return [];
  if (!Array.isArray(data)) invalid('must be a JSON array of parameters');
  return data.map((item: unknown, i): AppParameter => {
    const where = `[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) invalid(`${where} must be an object`);
    const p = item as Record<string, unknown>;
    if (typeof p.name !== 'string' || p.name === '') invalid(`${where}.name must be a non-empty string`);
    const out: { name: string; string?: string; array?: string[]; map?: Record<string, string> } = { name: p.name };
    if (p.string !== undefined) {
      if (typeof p.string !== 'string') invalid(`${where}.string must be a string`);
      out.string = p.string;
    }
    if (p.array !== undefined && p.array !== null) {
      if (!Array.isArray(p.array) || p.array.some((v) => typeof v !== 'string')) invalid(`${where}.array must be a list of strings`);
      out.array = p.array as string[];
    }
    if (p.map !== undefined && p.map !== null) out.map = stringRecord(p.map, `${where}.map`);
    return out;
  });
}

/** Pick this plugin's parameters; an unknown name is an error (a typo would otherwise do nothing). */
export function pluginParameters(params: readonly AppParameter[]): PluginParameters {
  const known = Object.values(PARAMETER_NAMES) as string[];
  const out: { images?: Record<string, string>; valuesFiles?: readonly string[]; helmParameters?: Record<string, string> } = {};
  for (const p of params) {
    if (!known.includes(p.name)) {
      invalid(`unknown parameter "${p.name}"; this plugin reads ${known.map((k) => `"${k}"`).join(', ')}`);
    }
    if (p.name === PARAMETER_NAMES.images) {
      if (p.map === undefined) invalid(`parameter "images" must be a map (image repository → full new reference)`);
      out.images = { ...p.map };
    } else if (p.name === PARAMETER_NAMES.valuesFiles) {
      if (p.array === undefined) invalid(`parameter "values-files" must be an array of file names`);
      out.valuesFiles = p.array;
    } else {
      if (p.map === undefined) invalid(`parameter "helm-parameters" must be a map of value path → value`);
      out.helmParameters = { ...p.map };
    }
  }
  return out;
}
