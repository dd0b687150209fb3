// Top-level `environments:` — progressive delivery per environment, for every watch: `promotion`
// (take only what the `from` environment ran healthy for `soak`) and `rollout` (waves). Checks the
// chains: every `from` names a configured environment, and no chain comes back to where it started.
// Pure.
import type { EnvironmentPolicy, PromotionSpec } from './types.ts';
import { DEFAULT_ENVIRONMENT } from './types.ts';
import { readDuration } from './parse-duration.ts';
import { readRollout } from './parse-rollout.ts';
import { child, describe, isMapping, readBoolean, readMapping, readString, report, type IssueSink } from './reader.ts';

/** Kubernetes label value syntax: environments are cluster label values. */
const ENVIRONMENT = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

function readPromotion(sink: IssueSink, value: unknown, path: string, self: string): PromotionSpec | undefined {
  const m = readMapping(sink, value, path, ['from', 'soak', 'requireHealthy', 'requireApproval']);
  if (m === undefined) return undefined;
  const from = readString(sink, m.from, child(path, 'from'));
  if (from === self) report(sink, child(path, 'from'), `"${self}" cannot follow itself; name the environment before it (e.g. staging)`);
  const soakMs = m.soak === undefined ? 0 : readDuration(sink, m.soak, child(path, 'soak'));
  const requireHealthy = readBoolean(sink, m.requireHealthy, child(path, 'requireHealthy'), true);
  const requireApproval = readBoolean(sink, m.requireApproval, child(path, 'requireApproval'), false);
  if (from === undefined || from === self || soakMs === undefined) return undefined;
  return { from, soakMs, requireHealthy, requireApproval };
}

function readPolicy(sink: IssueSink, value: unknown, path: string, name: string): EnvironmentPolicy | undefined {
  const m = readMapping(sink, value, path, ['promotion', 'rollout']);
  if (m === undefined) return undefined;
  const before = sink.issues.length;
  const promotion = m.promotion === undefined ? undefined : readPromotion(sink, m.promotion, child(path, 'promotion'), name);
  const rollout = m.rollout === undefined ? undefined : readRollout(sink, m.rollout, child(path, 'rollout'));
  if (sink.issues.length > before) return undefined;
  return { ...(promotion && { promotion }), ...(rollout && { rollout }) };
}

/** Every `from` is configured, and following `from` never comes back to an environment already seen. */
function checkChains(sink: IssueSink, policies: Readonly<Record<string, EnvironmentPolicy>>): void {
  const names = Object.keys(policies);
  for (const name of names) {
    const from = policies[name]!.promotion?.from;
    if (from === undefined || Object.hasOwn(policies, from)) continue;
    report(sink, `environments.${name}.promotion.from`, `"${from}" is not an environment under environments:; add environments.${from}: {} (the environment label value of its clusters)${names.length > 1 ? `, or use one of ${names.filter((n) => n !== name).join(', ')}` : ''}`);
  }
  for (const start of names) {
    const seen = [start];
    for (let at = policies[start]!.promotion?.from; at !== undefined; at = policies[at]?.promotion?.from) {
      if (at === start) {
        report(sink, `environments.${start}.promotion.from`, `the chain ${[...seen, at].join(' → ')} comes back to ${start}; one environment of a chain must have no promotion (the first one)`);
        break;
      }
      if (seen.includes(at)) break;
      seen.push(at);
    }
  }
}

export function readEnvironmentPolicies(sink: IssueSink, value: unknown): Record<string, EnvironmentPolicy> {
  const out: Record<string, EnvironmentPolicy> = {};
  if (value === undefined || value === null) return out;
  if (!isMapping(value)) {
    report(sink, 'environments', `expected a mapping of environment name to { promotion, rollout }, got ${describe(value)}`);
    return out;
  }
  const before = sink.issues.length;
  for (const [name, body] of Object.entries(value)) {
    const path = child('environments', name);
    if (name !== DEFAULT_ENVIRONMENT && !ENVIRONMENT.test(name)) {
      report(sink, path, `"${name}" is not a cluster label value (letters, digits, - _ . ; at most 63 characters)`);
      continue;
    }
    const policy = readPolicy(sink, body ?? {}, path, name);
    if (policy !== undefined) out[name] = policy;
  }
  if (sink.issues.length === before) checkChains(sink, out);
  return out;
}
