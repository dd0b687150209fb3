// What one evaluation knows beside the state: the clusters of each environment and of each wave,
// the order environments are evaluated in (a `from` before the environments that follow it), the
// operations that apply, and the earliest time a waiting gate may open. Pure.
import type { EnvironmentPolicy } from '../config/types.ts';
import type { EngineInput, OperationRecord } from './types.ts';
import { waveOf } from './waves.ts';

export interface Evaluation {
  readonly input: EngineInput;
  readonly now: number;
  readonly nowIso: string;
  /** Environments with a promotion or a rollout, each after the one it follows. */
  readonly order: readonly string[];
  clustersIn(environment: string): ReadonlySet<string>;
  /** Cluster names per wave (0-based) of an environment that rolls out. */
  wavesIn(environment: string): readonly ReadonlySet<string>[];
  /** A gate waiting on time opens at `ms` (epoch): evaluate again then. */
  wakeAt(ms: number): void;
  readonly wake: { at?: number };
}

/**
 * Environments with a promotion or a rollout, in chain order: each one's `from` comes before it.
 * An environment with neither serves its candidate at once and keeps no state.
 */
export function chainOrder(policies: Readonly<Record<string, EnvironmentPolicy>>): string[] {
  const out: string[] = [];
  const visit = (name: string, depth: number): void => {
    if (out.includes(name) || depth > 64 || !Object.hasOwn(policies, name)) return;
    if (!policies[name]!.promotion && !policies[name]!.rollout) return;
    const from = policies[name]!.promotion?.from;
    if (from !== undefined) visit(from, depth + 1);
    out.push(name);
  };
  for (const name of Object.keys(policies).sort()) visit(name, 0);
  return out;
}

export function newEvaluation(input: EngineInput): Evaluation {
  const byEnv = new Map<string, Set<string>>();
  for (const c of input.clusters) {
    let set = byEnv.get(c.environment);
    if (!set) byEnv.set(c.environment, (set = new Set()));
    set.add(c.name);
  }
  const waves = new Map<string, Set<string>[]>();
  for (const [env, policy] of Object.entries(input.policies)) {
    const rollout = policy.rollout;
    if (!rollout) continue;
    const sets = rollout.waves.map(() => new Set<string>());
    for (const c of input.clusters) if (c.environment === env) sets[waveOf(rollout, c)]!.add(c.name);
    waves.set(env, sets);
  }
  const wake: { at?: number } = {};
  const now = input.now.getTime();
  return {
    input,
    now,
    nowIso: input.now.toISOString(),
    order: chainOrder(input.policies),
    clustersIn: (env) => byEnv.get(env) ?? new Set(),
    wavesIn: (env) => waves.get(env) ?? [],
    wakeAt(ms) {
      if (ms > now && (wake.at === undefined || ms < wake.at)) wake.at = ms;
    },
    wake,
  };
}

/** The newest operation of a kind for a (watch, environment) that `match` accepts, if any. */
export function operationFor(ops: readonly OperationRecord[], kind: OperationRecord['kind'], watch: string, environment: string, match: (op: OperationRecord) => boolean): OperationRecord | undefined {
  let found: OperationRecord | undefined;
  for (const op of ops) {
    if (op.kind !== kind || op.watch !== watch || op.environment !== environment || !match(op)) continue;
    const newer = found === undefined || Date.parse(op.at) > Date.parse(found.at) || (op.at === found.at && op.id > found.id);
    if (newer) found = op;
  }
  return found;
}
