// Image overrides: image repository → the full reference to run instead. They arrive as
// ARGOCD_ENV_IMAGE_OVERRIDES (a JSON object, from the generator's `imageOverrides`) and/or the
// `images` map parameter. Keys are matched by normalised repository (`nginx` is
// `docker.io/library/nginx`); values must be references with a tag and/or a digest. Pure.
import { parseImageRef } from '../image/reference.ts';
import { cmpError } from './errors.ts';

export interface Override {
  /** The key as the user wrote it. */
  readonly key: string;
  /** Normalised `registry/repository` of the key. */
  readonly repository: string;
  /** The reference written into manifests, exactly as given. */
  readonly ref: string;
  /** Where it came from, for messages: `ARGOCD_ENV_IMAGE_OVERRIDES` or `parameter images`. */
  readonly source: string;
}

/** Overrides by normalised repository. */
export type OverrideTable = ReadonlyMap<string, Override>;

function invalid(message: string): never {
  throw cmpError('CMP_OVERRIDES_INVALID', message);
}

/** Parse the JSON text of ARGOCD_ENV_IMAGE_OVERRIDES into a plain record. */
export function parseOverridesJson(text: string, source: string): Record<string, unknown> {
  if (text.trim() === '') {
    invalid(`${source} is set but empty; write {} for no overrides, or remove the variable`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    invalid(`${source} is not valid JSON (${(cause as Error).message}); expected an object like {"ghcr.io/acme/web":"ghcr.io/acme/web:1.4.2"} (write $$ for a literal $ in Application env values)`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    invalid(`${source} must be a JSON object mapping image repository to full new reference, got ${Array.isArray(data) ? 'an array' : JSON.stringify(data)}`);
  }
  return data as Record<string, unknown>;
}

/** Validate and merge override sources; two sources may agree but never disagree about a repository. */
export function buildOverrideTable(sources: readonly { source: string; entries: Readonly<Record<string, unknown>> }[]): OverrideTable {
  const table = new Map<string, Override>();
  for (const { source, entries } of sources) {
    for (const [key, value] of Object.entries(entries)) {
      const where = `${source} key "${key}"`;
      const parsedKey = parseImageRef(key);
      if (!parsedKey.ok) invalid(`${where} is not an image repository: ${parsedKey.reason}`);
      if (parsedKey.ref.tag !== undefined || parsedKey.ref.digest !== undefined) {
        invalid(`${where} must be a repository without tag or digest (e.g. "${parsedKey.ref.name}"); the value carries the new tag/digest`);
      }
      if (typeof value !== 'string') invalid(`${where}: the value must be a string reference, got ${JSON.stringify(value)}`);
      const parsedValue = parseImageRef(value);
      if (!parsedValue.ok) invalid(`${where}: "${value}" is not a valid image reference: ${parsedValue.reason}`);
      if (parsedValue.ref.tag === undefined && parsedValue.ref.digest === undefined) {
        invalid(`${where}: "${value}" has neither tag nor digest; give the full new reference, e.g. "${parsedValue.ref.name}:1.2.3"`);
      }
      const repository = parsedKey.ref.name;
      const existing = table.get(repository);
      if (existing && existing.ref !== value) {
        invalid(`${where} and ${existing.source} key "${existing.key}" both name ${repository} but disagree ("${value}" vs "${existing.ref}")`);
      }
      if (!existing) table.set(repository, { key, repository, ref: value, source });
    }
  }
  return table;
}
