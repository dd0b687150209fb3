// Deep freeze for the parsed config: every mapping, list and compiled RegExp becomes read-only, so a
// module that tries to change the shared config throws (ES modules run in strict mode).
// semver's Range objects are left as they are: Range fills a lazy `formatted` field on first use.
import semver from 'semver';

export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || value instanceof semver.Range) return value;
  for (const key of Reflect.ownKeys(value)) {
    deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return Object.freeze(value);
}
