// Per-environment overrides and holds of a watch. An environment override replaces whole keys of the
// watch's rule (policy, filter, platforms, pin): keys it leaves out are inherited, keys it writes are
// not merged field by field. A hold is an explicit, recorded rollback for `default` or one environment.
import type { Hold, SelectionRule } from './types.ts';
import { readFilter } from './parse-filter.ts';
import { readPin, readPlatforms, readPolicy, TAG_PATTERN } from './parse-policy.ts';
import { readVerify } from './parse-verify.ts';
import { child, describe, isMapping, readMapping, readOptionalMapping, readString, report, type IssueSink } from './reader.ts';
import { DEFAULT_ENVIRONMENT } from './types.ts';

const RULE_KEYS = ['policy', 'filter', 'platforms', 'pin', 'verify'];
/** Kubernetes label value syntax: environments are cluster label values. */
const ENVIRONMENT = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

/** An environment's keys merged over the watch's rule. */
function readOverride(sink: IssueSink, value: unknown, path: string, base: SelectionRule | undefined): SelectionRule | undefined {
  const m = readOptionalMapping(sink, value, path, RULE_KEYS);
  if (m === undefined) return undefined;
  const policy = m.policy === undefined ? base?.policy : readPolicy(sink, m.policy, child(path, 'policy'));
  const filter = m.filter === undefined ? base?.filter : readFilter(sink, m.filter, child(path, 'filter'));
  const platforms = m.platforms === undefined ? base?.platforms : readPlatforms(sink, m.platforms, child(path, 'platforms'));
  const pin = m.pin === undefined ? base?.pin : readPin(sink, m.pin, child(path, 'pin'));
  // `verify: null` turns the gate off for this environment; absent inherits the watch's.
  const verify = m.verify === undefined ? base?.verify : readVerify(sink, m.verify, child(path, 'verify'));
  if (policy === undefined || filter === undefined || platforms === undefined || pin === undefined) return undefined;
  if (verify === undefined && m.verify !== undefined && m.verify !== null) return undefined;
  return { policy, filter, platforms, pin, ...(verify && { verify }) };
}

export function readEnvironments(sink: IssueSink, value: unknown, path: string, base: SelectionRule | undefined): Record<string, SelectionRule> {
  const out: Record<string, SelectionRule> = {};
  if (value === undefined || value === null) return out;
  if (!isMapping(value)) {
    report(sink, path, `expected a mapping of environment name to overrides, got ${describe(value)}`);
    return out;
  }
  for (const [name, body] of Object.entries(value)) {
    const envPath = child(path, name);
    if (name === DEFAULT_ENVIRONMENT) {
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

export function readHolds(sink: IssueSink, value: unknown, path: string, environments: readonly string[]): Record<string, Hold> {
  const out: Record<string, Hold> = {};
  if (value === undefined || value === null) return out;
  if (!isMapping(value)) {
    report(sink, path, `expected a mapping of "default" or an environment name to { tag, reason }, got ${describe(value)}`);
    return out;
  }
  for (const [name, body] of Object.entries(value)) {
    const holdPath = child(path, name);
    if (name !== DEFAULT_ENVIRONMENT && !environments.includes(name)) {
      report(sink, holdPath, `"${name}" is neither "default" nor an environment of this watch; add environments.${name}: {} or hold "default"`);
      continue;
    }
    const hold = readHold(sink, body, holdPath);
    if (hold !== undefined) out[name] = hold;
  }
  return out;
}
