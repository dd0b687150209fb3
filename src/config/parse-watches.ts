// `watches[]`: one image each, the rule that picks its tag, per-environment overrides and holds.
// An environment override replaces whole keys of the watch's rule (policy, filter, platforms, pin):
// keys it leaves out are inherited, keys it writes are not merged field by field.
import picomatch from 'picomatch';
import { parseImageRef } from '../image/reference.ts';
import type { Hold, SelectionRule, Watch } from './types.ts';
import { DEFAULTS } from './defaults.ts';
import { defaultFilter, readFilter } from './parse-filter.ts';
import { readPin, readPlatforms, readPolicy, TAG_PATTERN } from './parse-policy.ts';
import { child, readList, readMapping, readOptionalMapping, readString, report, isMapping, describe, type IssueSink } from './reader.ts';

const WATCH_KEYS = ['name', 'image', 'policy', 'filter', 'platforms', 'pin', 'environments', 'holds', 'allowedApplicationSets'];
const RULE_KEYS = ['policy', 'filter', 'platforms', 'pin'];
const WATCH_NAME = /^[A-Za-z0-9_]+$/;
/** Kubernetes label value syntax: environments are cluster label values. */
const ENVIRONMENT = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
export const DEFAULT_ENVIRONMENT_KEY = 'default';

function readImage(sink: IssueSink, value: unknown, path: string): { image: string; registry: string; repository: string } | undefined {
  const text = readString(sink, value, path);
  if (text === undefined) return undefined;
  const parsed = parseImageRef(text);
  if (!parsed.ok) {
    report(sink, path, `"${text}" is not an image reference: ${parsed.reason}`);
    return undefined;
  }
  const { ref } = parsed;
  if (ref.tag !== undefined || ref.digest !== undefined) {
    const what = ref.digest !== undefined ? 'a digest' : `the tag "${ref.tag}"`;
    report(sink, path, `"${text}" names ${what}; write the repository only ("${ref.name}") and choose tags with policy (e.g. digest: { tag: ${ref.tag ?? 'stable'} })`);
    return undefined;
  }
  return { image: ref.name, registry: ref.registry, repository: ref.repository };
}

/** The watch's own rule; `undefined` policy means it was invalid or missing (already reported). */
function readRule(sink: IssueSink, m: Record<string, unknown>, path: string): SelectionRule | undefined {
  if (m.policy === undefined) {
    report(sink, child(path, 'policy'), 'missing; write e.g. policy: { semver: { range: ">=1.0.0" } }');
  }
  const policy = m.policy === undefined ? undefined : readPolicy(sink, m.policy, child(path, 'policy'));
  const filter = m.filter === undefined ? defaultFilter() : readFilter(sink, m.filter, child(path, 'filter'));
  const platforms = readPlatforms(sink, m.platforms, child(path, 'platforms'));
  const pin = readPin(sink, m.pin, child(path, 'pin')) ?? DEFAULTS.pin;
  return policy === undefined ? undefined : { policy, filter, platforms, pin };
}

/** An environment's keys merged over the watch's rule. */
function readOverride(sink: IssueSink, value: unknown, path: string, base: SelectionRule | undefined): SelectionRule | undefined {
  const m = readOptionalMapping(sink, value, path, RULE_KEYS);
  if (m === undefined) return undefined;
  const policy = m.policy === undefined ? base?.policy : readPolicy(sink, m.policy, child(path, 'policy'));
  const filter = m.filter === undefined ? base?.filter : readFilter(sink, m.filter, child(path, 'filter'));
  const platforms = m.platforms === undefined ? base?.platforms : readPlatforms(sink, m.platforms, child(path, 'platforms'));
  const pin = m.pin === undefined ? base?.pin : readPin(sink, m.pin, child(path, 'pin'));
  if (policy === undefined || filter === undefined || platforms === undefined || pin === undefined) return undefined;
  return { policy, filter, platforms, pin };
}

function readEnvironments(sink: IssueSink, value: unknown, path: string, base: SelectionRule | undefined): Record<string, SelectionRule> {
  const out: Record<string, SelectionRule> = {};
  if (value === undefined || value === null) return out;
  if (!isMapping(value)) {
    report(sink, path, `expected a mapping of environment name to overrides, got ${describe(value)}`);
    return out;
  }
  for (const [name, body] of Object.entries(value)) {
    const envPath = child(path, name);
    if (name === DEFAULT_ENVIRONMENT_KEY) {
      report(sink, envPath, '"default" is the watch\'s own rule; write those keys on the watch itself');
      continue;
    }
    if (!ENVIRONMENT.test(name)) {
      report(sink, envPath, `"${name}" is not a cluster label value (letters, digits, - _ . ; at most 63 characters)`);
      continue;
    }
    const rule = readOverride(sink, body, envPath, base);
    if (rule !== undefined) out[name] = rule;
  }
  return out;
}

function readHold(sink: IssueSink, value: unknown, path: string): Hold | undefined {
  const m = readMapping(sink, value, path, ['tag', 'reason', 'until']);
  if (m === undefined) return undefined;
  const tag = readString(sink, m.tag, child(path, 'tag'));
  if (tag !== undefined && !TAG_PATTERN.test(tag)) report(sink, child(path, 'tag'), `"${tag}" is not a valid tag`);
  const reason = readString(sink, m.reason, child(path, 'reason'));
  let until: string | undefined;
  if (m.until !== undefined) {
    const text = readString(sink, m.until, child(path, 'until'));
    const time = text === undefined ? NaN : Date.parse(text);
    if (text !== undefined && (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}/.test(text))) {
      report(sink, child(path, 'until'), `"${text}" is not an ISO 8601 time (write e.g. "2026-07-01T00:00:00Z")`);
    } else if (text !== undefined) until = new Date(time).toISOString();
  }
  if (tag === undefined || !TAG_PATTERN.test(tag) || reason === undefined) return undefined;
  return { tag, reason, ...(until !== undefined && { until }) };
}

function readHolds(sink: IssueSink, value: unknown, path: string, environments: readonly string[]): Record<string, Hold> {
  const out: Record<string, Hold> = {};
  if (value === undefined || value === null) return out;
  if (!isMapping(value)) {
    report(sink, path, `expected a mapping of "default" or an environment name to { tag, reason }, got ${describe(value)}`);
    return out;
  }
  for (const [name, body] of Object.entries(value)) {
    const holdPath = child(path, name);
    if (name !== DEFAULT_ENVIRONMENT_KEY && !environments.includes(name)) {
      report(sink, holdPath, `"${name}" is neither "default" nor an environment of this watch; add environments.${name}: {} or hold "default"`);
      continue;
    }
    const hold = readHold(sink, body, holdPath);
    if (hold !== undefined) out[name] = hold;
  }
  return out;
}

function readGlobs(sink: IssueSink, value: unknown, path: string): string[] {
  return readList(sink, value, path, (element, elementPath) => {
    const text = readString(sink, element, elementPath);
    if (text === undefined) return undefined;
    try {
      picomatch.makeRe(text);
    } catch {
      report(sink, elementPath, `"${text}" is not a glob pattern`);
      return undefined;
    }
    return text;
  });
}

function readWatch(sink: IssueSink, value: unknown, path: string): Watch | undefined {
  const m = readMapping(sink, value, path, WATCH_KEYS);
  if (m === undefined) return undefined;
  const name = readString(sink, m.name, child(path, 'name'));
  if (name !== undefined && !WATCH_NAME.test(name)) {
    report(sink, child(path, 'name'), `"${name}" must be letters, digits and _ only (it is a template key: images.<name>)`);
  }
  const image = readImage(sink, m.image, child(path, 'image'));
  const rule = readRule(sink, m, path);
  const environments = readEnvironments(sink, m.environments, child(path, 'environments'), rule);
  const envNames = isMapping(m.environments) ? Object.keys(m.environments) : [];
  const holds = readHolds(sink, m.holds, child(path, 'holds'), envNames);
  const allowedApplicationSets = readGlobs(sink, m.allowedApplicationSets, child(path, 'allowedApplicationSets'));
  if (name === undefined || !WATCH_NAME.test(name) || image === undefined || rule === undefined) return undefined;
  return { name, ...image, rule, environments, holds, allowedApplicationSets };
}

export function readWatches(sink: IssueSink, value: unknown): Watch[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    report(sink, 'watches', 'add at least one watch, e.g. - { name: web, image: ghcr.io/acme/web, policy: { semver: { range: ">=1.0.0" } } }');
    return [];
  }
  const seen = new Map<string, number>();
  return readList(sink, value, 'watches', (element, path, index) => {
    const watch = readWatch(sink, element, path);
    const name = isMapping(element) && typeof element.name === 'string' ? element.name : undefined;
    if (name === undefined) return watch;
    const first = seen.get(name);
    if (first !== undefined) {
      report(sink, child(path, 'name'), `"${name}" is already the name of watches[${first}]; watch names must be unique`);
      return undefined;
    }
    seen.set(name, index);
    return watch;
  });
}
