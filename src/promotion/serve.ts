// What one cluster is served for one watch under the promotion state: the rollout's target when the
// cluster's wave is open, else the environment's served reference. `undefined` when no promotion or
// rollout applies to that (watch, environment): the resolved candidate is served as before. Pure.
import type { Resolution } from '../cache/types.ts';
import type { EnvironmentPolicy } from '../config/types.ts';
import type { PromotionState } from './types.ts';
import { waveOf } from './waves.ts';

export interface Placement {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** 0-based wave of a cluster in its environment; -1 when the environment does not roll out in waves. */
export function waveIn(policies: Readonly<Record<string, EnvironmentPolicy>>, environment: string, cluster: Placement): number {
  const rollout = Object.hasOwn(policies, environment) ? policies[environment]!.rollout : undefined;
  return rollout ? waveOf(rollout, cluster) : -1;
}

export function servedFor(state: PromotionState, watch: string, environment: string, wave: number): Resolution | undefined {
  const envs = Object.hasOwn(state.watches, watch) ? state.watches[watch]! : undefined;
  const env = envs && Object.hasOwn(envs, environment) ? envs[environment]! : undefined;
  if (!env) return undefined;
  if (env.target && wave <= env.wave) return env.target;
  return env.served;
}
