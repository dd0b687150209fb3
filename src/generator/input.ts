// `input.parameters` of the plugin generator, parsed: which watches, which clusters, and whether an
// empty answer is intended. The controller sends the raw JSON (Argo CD's applicationset/services/plugin); in a
// matrix every templated value arrives as a string, so booleans are also accepted as "true"/"false".
// The input only *selects* among configured watches and clusters; it never carries a registry,
// URL or pattern ("No request goes anywhere the config does not name"). Pure.
import type { LabelSelector, SelectorOperator, SelectorRequirement } from '../clusters/selector.ts';
import { EVERYTHING } from '../clusters/selector.ts';
import type { AppError } from '../shared/errors.ts';
import { generatorError } from './errors.ts';

export interface GeneratorInput {
  /** Watch names asked for, in the order given; undefined = every watch this ApplicationSet may use. */
  readonly images?: readonly string[];
  readonly clusterSelector: LabelSelector;
  readonly allowEmpty: boolean;
  /** What a name in `images` that no watch has does: `refuse` (400) or `ignore` (left out). */
  readonly unknownImages: UnknownImages;
}

export type UnknownImages = 'refuse' | 'ignore';

export type InputResult = { ok: true; input: GeneratorInput } | { ok: false; error: AppError };

const KEYS = ['images', 'clusterSelector', 'allowEmpty', 'unknownImages'];
const UNKNOWN_IMAGES: readonly UnknownImages[] = ['refuse', 'ignore'];
const SELECTOR_KEYS = ['matchLabels', 'matchExpressions'];
const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
/** Where the plugin input sits in the ApplicationSet, as messages name it. */
const INPUT_PATH = 'input.parameters';

class InputProblem extends Error {}

function fail(path: string, message: string): never {
  throw new InputProblem(`${INPUT_PATH}.${path}: ${message}`);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(path ? `${path}.${key}` : key, `unknown key; allowed keys are ${allowed.join(', ')}`);
  }
}

function parseImages(v: unknown): string[] {
  if (!Array.isArray(v)) fail('images', 'must be a list of watch names, e.g. [web, api]');
  return v.map((name, i) => (typeof name === 'string' && name.length > 0 ? name : fail(`images[${i}]`, 'must be a non-empty string (a watch name)')));
}

function parseStringMap(v: unknown, path: string): Record<string, string> {
  if (!isMap(v)) fail(path, 'must be a map of label keys to string values');
  for (const [k, val] of Object.entries(v)) if (typeof val !== 'string') fail(`${path}.${k}`, 'must be a string (quote numbers and booleans)');
  return v as Record<string, string>;
}

function parseRequirement(v: unknown, path: string): SelectorRequirement {
  if (!isMap(v)) fail(path, 'must be a map with key, operator and values');
  onlyKeys(v, ['key', 'operator', 'values'], path);
  if (typeof v.key !== 'string' || v.key.length === 0) fail(`${path}.key`, 'must be a non-empty string');
  const operator = v.operator as SelectorOperator;
  if (!OPERATORS.includes(operator)) fail(`${path}.operator`, `must be one of ${OPERATORS.join(', ')}`);
  const values = v.values ?? [];
  if (!Array.isArray(values) || values.some((x) => typeof x !== 'string')) fail(`${path}.values`, 'must be a list of strings');
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues !== values.length > 0) fail(`${path}.values`, needsValues ? `${operator} needs at least one value` : `${operator} takes no values`);
  return { key: v.key, operator, values: values as string[] };
}

function parseSelector(v: unknown): LabelSelector {
  if (!isMap(v)) fail('clusterSelector', 'must be a map with matchLabels and/or matchExpressions');
  onlyKeys(v, SELECTOR_KEYS, 'clusterSelector');
  const matchLabels = v.matchLabels === undefined ? {} : parseStringMap(v.matchLabels, 'clusterSelector.matchLabels');
  const raw = v.matchExpressions ?? [];
  if (!Array.isArray(raw)) fail('clusterSelector.matchExpressions', 'must be a list');
  return { matchLabels, matchExpressions: raw.map((r, i) => parseRequirement(r, `clusterSelector.matchExpressions[${i}]`)) };
}

function parseBoolean(v: unknown, path: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return fail(path, 'must be true or false');
}

function parseUnknownImages(v: unknown): UnknownImages {
  if (UNKNOWN_IMAGES.includes(v as UnknownImages)) return v as UnknownImages;
  return fail('unknownImages', `must be one of ${UNKNOWN_IMAGES.join(', ')}`);
}

// A key written with no value (`images:` in YAML) reaches us as JSON null: it means "absent".
export function parseGeneratorInput(parameters: unknown): InputResult {
  try {
    if (parameters === undefined || parameters === null) return { ok: true, input: { clusterSelector: EVERYTHING, allowEmpty: false, unknownImages: 'refuse' } };
    if (!isMap(parameters)) fail('', 'must be a map');
    onlyKeys(parameters, KEYS, '');
    const input: GeneratorInput = {
      ...(parameters.images != null && { images: parseImages(parameters.images) }),
      clusterSelector: parameters.clusterSelector == null ? EVERYTHING : parseSelector(parameters.clusterSelector),
      allowEmpty: parameters.allowEmpty == null ? false : parseBoolean(parameters.allowEmpty, 'allowEmpty'),
      unknownImages: parameters.unknownImages == null ? 'refuse' : parseUnknownImages(parameters.unknownImages),
    };
    return { ok: true, input };
  } catch (err) {
    if (err instanceof InputProblem) return { ok: false, error: generatorError('GEN_INPUT_INVALID', err.message.replace(`${INPUT_PATH}.: `, `${INPUT_PATH}: `)) };
    throw err;
  }
}
