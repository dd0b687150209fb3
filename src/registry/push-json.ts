// Field readers for push-time API pages: each returns undefined for a missing or malformed value,
// so one bad entry is skipped instead of failing a whole listing. Pure.
import { isDigest } from './digest.ts';
import { PushShapeError, type TagPush } from './push-types.ts';

/** Longest tag name the OCI grammar allows; longer names are skipped before they are kept anywhere. */
const MAX_TAG = 128;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function arrayField(body: unknown, field: string, api: string): unknown[] {
  const value = isObject(body) ? body[field] : undefined;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new PushShapeError(`${api}: "${field}" is not a list`);
  return value;
}

/** An ISO 8601 / RFC 3339 time, normalised to UTC ISO; undefined when absent or not a time. */
export function timeField(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return new Date(value).toISOString();
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** One entry, or undefined when its tag or time is unusable (a malformed digest is dropped, not fatal). */
export function entry(tag: unknown, pushedAt: string | undefined, digest: unknown): TagPush | undefined {
  if (typeof tag !== 'string' || tag === '' || tag.length > MAX_TAG || pushedAt === undefined) return undefined;
  return { tag, pushedAt, ...(typeof digest === 'string' && isDigest(digest) && { digest }) };
}

export function compact<T>(items: ReadonlyArray<T | undefined>): T[] {
  return items.filter((i): i is T => i !== undefined);
}
