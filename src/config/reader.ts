// A small path-tracking reader for the untyped result of YAML parsing. Every check records a
// ConfigIssue (path + message with the fix) and carries on, so one run of `check-config` lists every
// problem in the file instead of the first one. Pure: no I/O.
import type { ConfigIssue } from './types.ts';
import { suggest } from './suggest.ts';

/** Told of every mapping the parser reads: where, and which keys it accepts there (the schema test). */
export type MappingObserver = (path: string, keys: readonly string[]) => void;

export interface IssueSink {
  readonly issues: ConfigIssue[];
  readonly observe?: MappingObserver;
}

export function newSink(observe?: MappingObserver): IssueSink {
  return observe === undefined ? { issues: [] } : { issues: [], observe };
}

export function report(sink: IssueSink, path: string, message: string): void {
  sink.issues.push({ path: path === '' ? '(top level)' : path, message });
}

/** `a.b` for plain keys, `a["x.y"]` for keys a dot would make ambiguous. */
export function child(path: string, key: string): string {
  if (!/^[A-Za-z_][\w-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function item(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** How a value looks to the user, for "expected X, got Y" messages. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A mapping with only the listed keys. Unknown keys are reported (with "did you mean" when one is
 * close); a non-mapping is reported and yields undefined.
 */
export function readMapping(sink: IssueSink, value: unknown, path: string, keys: readonly string[]): Record<string, unknown> | undefined {
  if (!isMapping(value)) {
    report(sink, path, `expected a mapping, got ${describe(value)}`);
    return undefined;
  }
  sink.observe?.(path, keys);
  for (const key of Object.keys(value)) {
    if (keys.includes(key)) continue;
    const close = suggest(key, keys);
    const hint = close === undefined ? `allowed keys: ${keys.join(', ')}` : `did you mean "${close}"?`;
    report(sink, child(path, key), `unknown key (${hint})`);
  }
  return value;
}

/** Like readMapping, but absent (undefined/null) is fine and gives an empty mapping. */
export function readOptionalMapping(sink: IssueSink, value: unknown, path: string, keys: readonly string[]): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return {};
  return readMapping(sink, value, path, keys);
}

export function readString(sink: IssueSink, value: unknown, path: string): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'string') report(sink, path, 'must not be empty');
  else report(sink, path, `expected a string, got ${describe(value)}${typeof value === 'number' || typeof value === 'boolean' ? ' (quote it)' : ''}`);
  return undefined;
}

/** A string that parses as a URL; `notUrl` words the problem when it does not. */
export function readUrlString(sink: IssueSink, value: unknown, path: string, notUrl: (text: string) => string): { readonly text: string; readonly url: URL } | undefined {
  const text = readString(sink, value, path);
  if (text === undefined) return undefined;
  try {
    return { text, url: new URL(text) };
  } catch {
    report(sink, path, notUrl(text));
    return undefined;
  }
}

export function optionalString(sink: IssueSink, value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : readString(sink, value, path);
}

export function readBoolean(sink: IssueSink, value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  report(sink, path, `expected true or false, got ${describe(value)}`);
  return fallback;
}

export interface NumberRule {
  readonly min: number;
  readonly max?: number;
  readonly integer?: boolean;
}

export function readNumber(sink: IssueSink, value: unknown, path: string, fallback: number, rule: NumberRule): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    report(sink, path, `expected a number, got ${describe(value)}`);
    return fallback;
  }
  if (rule.integer === true && !Number.isInteger(value)) {
    report(sink, path, `expected a whole number, got ${value}`);
    return fallback;
  }
  if (value < rule.min || (rule.max !== undefined && value > rule.max)) {
    const range = rule.max === undefined ? `at least ${rule.min}` : `between ${rule.min} and ${rule.max}`;
    report(sink, path, `must be ${range}, got ${value}`);
    return fallback;
  }
  return value;
}

/** A list; absent gives an empty list. Each element is handed to `each` with its own path. */
export function readList<T>(sink: IssueSink, value: unknown, path: string, each: (element: unknown, path: string, index: number) => T | undefined): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(sink, path, `expected a list, got ${describe(value)}`);
    return [];
  }
  const out: T[] = [];
  value.forEach((element, index) => {
    const parsed = each(element, item(path, index), index);
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
}

/** A mapping of string to string (labels, annotations); non-string values are reported. */
export function readStringMap(sink: IssueSink, value: unknown, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value === null) return out;
  if (!isMapping(value)) {
    report(sink, path, `expected a mapping of strings, got ${describe(value)}`);
    return out;
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else report(sink, child(path, key), `expected a string, got ${describe(v)} (quote it, e.g. "${String(v)}")`);
  }
  return out;
}
