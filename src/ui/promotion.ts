// Progressive delivery on the status page: where an environment with `promotion` or `rollout`
// stands (the promotion engine's status and state, docs/promotion.md), per wave, with the badge a
// row shows and, when only time is missing, the moment the gate opens (the engine's `opensAt`).
// Pure: state in, view out.
import type { Cluster } from '../clusters/types.ts';
import { DEFAULT_ENVIRONMENT } from '../cache/types.ts';
import type { Config, EnvironmentPolicy } from '../config/types.ts';
import { waveIn } from '../promotion/serve.ts';
import type { EnvironmentState, PromotionSource, PromotionState, PromotionStatus } from '../promotion/types.ts';
import type { Badge, PromotionEnvView, WaveView } from './types.ts';

export type PromotionReader = Pick<PromotionSource, 'state' | 'status' | 'revision'>;

/** One evaluation's state and status, indexed once per answer. */
export interface PromotionContext {
  readonly policies: Readonly<Record<string, EnvironmentPolicy>>;
  readonly state: PromotionState;
  readonly status: ReadonlyMap<string, PromotionStatus>;
}

const key = (watch: string, environment: string): string => `${watch}\u0000${environment}`;

export function promotionContext(config: Config, reader: PromotionReader | undefined): PromotionContext | undefined {
  if (!reader || Object.keys(config.environments).length === 0) return undefined;
  return { policies: config.environments, state: reader.state(), status: new Map(reader.status().map((s) => [key(s.watch, s.environment), s])) };
}

export function policyOf(ctx: PromotionContext | undefined, environment: string): EnvironmentPolicy | undefined {
  return ctx && Object.hasOwn(ctx.policies, environment) ? ctx.policies[environment] : undefined;
}

export function stateOf(ctx: PromotionContext, watch: string, environment: string): EnvironmentState | undefined {
  const envs = Object.hasOwn(ctx.state.watches, watch) ? ctx.state.watches[watch]! : undefined;
  return envs && Object.hasOwn(envs, environment) ? envs[environment] : undefined;
}

export function statusOf(ctx: PromotionContext, watch: string, environment: string): PromotionStatus | undefined {
  return ctx.status.get(key(watch, environment));
}

/** The environments a watch is shown in: its own selection rules, then those promotion configures. */
export function environmentsWith(watchEnvironments: readonly string[], config: Config): string[] {
  const extra = Object.keys(config.environments).filter((e) => e !== DEFAULT_ENVIRONMENT && !watchEnvironments.includes(e)).sort();
  return [...watchEnvironments, ...extra];
}

/** Clusters per wave (0-based) of an environment: the same for every watch, so counted once per answer. */
export function waveSizes(policy: EnvironmentPolicy, members: readonly Cluster[], environment: string, policies: PromotionContext['policies']): number[] {
  const count = policy.rollout?.waves.length ?? 0;
  const sizes = new Array<number>(count).fill(0);
  for (const c of members) {
    const w = waveIn(policies, environment, c);
    if (w >= 0 && w < count) sizes[w]! += 1;
  }
  return sizes;
}

function wavesOf(sizes: readonly number[], state: EnvironmentState | undefined): WaveView[] {
  return sizes.map((clusters, i) => {
    const runsTarget = state?.target !== undefined && i <= state.wave;
    const r = runsTarget ? state!.target : state?.served;
    const step: WaveView['step'] = !state?.target ? 'idle' : runsTarget ? 'done' : i === state.wave + 1 ? 'next' : 'later';
    return { wave: i + 1, clusters, ref: r?.ref ?? null, tag: r?.tag ?? null, digest: r?.digest ?? null, resolvedAt: r?.resolvedAt ?? null, step };
  });
}

export function describePromotion(ctx: PromotionContext, watch: string, environment: string, sizes: (environment: string, policy: EnvironmentPolicy) => readonly number[]): PromotionEnvView | undefined {
  const policy = policyOf(ctx, environment);
  if (!policy || (!policy.promotion && !policy.rollout)) return undefined;
  const status = statusOf(ctx, watch, environment);
  const state = stateOf(ctx, watch, environment);
  return {
    state: status?.state ?? 'idle',
    from: policy.promotion?.from ?? null,
    soakSeconds: policy.promotion ? policy.promotion.soakMs / 1000 : null,
    pauseSeconds: policy.rollout ? policy.rollout.pauseMs / 1000 : null,
    requireApproval: policy.promotion?.requireApproval ?? false,
    pending: status?.pending ? { ref: status.pending, tag: status.pendingTag ?? null } : null,
    reason: status?.reason ?? null,
    since: status?.since ?? null,
    opensAt: status?.opensAt ?? null,
    waves: wavesOf(sizes(environment, policy), state),
  };
}

/** The badge a promotion state puts on its environment's row (none for idle and rolling). */
export function promotionBadge(view: PromotionEnvView): Badge | undefined {
  const what = view.pending?.tag ? `${view.pending.tag}: ` : '';
  const reason = `${what}${view.reason ?? view.state}`;
  if (view.state === 'blocked') return { kind: 'blocked', reason };
  if (view.state === 'waiting') return { kind: 'waiting', reason };
  if (view.state === 'awaiting-approval') return { kind: 'approval', reason };
  if (view.state === 'stale') return { kind: 'stale', reason };
  if (view.state === 'held') return { kind: 'held', reason: view.reason ?? 'held' };
  return undefined;
}

/** Progressive delivery, when configured: the engine's state and the clusters of each environment. */
export interface PromotionInput {
  readonly ctx: PromotionContext;
  readonly members: (environment: string) => readonly Cluster[];
  /** Clusters per wave of an environment, counted once per answer (a SHA-256 per cluster for percent waves). */
  readonly sizes: (environment: string, policy: EnvironmentPolicy) => readonly number[];
}

/** Clusters by environment label, built once per answer. */
export function membersBy(config: Config, clusters: readonly Cluster[]): (environment: string) => readonly Cluster[] {
  const by = new Map<string, Cluster[]>();
  for (const c of clusters) {
    const env = c.labels[config.clusters.environmentLabel] ?? DEFAULT_ENVIRONMENT;
    by.set(env, [...(by.get(env) ?? []), c]);
  }
  return (environment) => by.get(environment) ?? [];
}

/** The promotion engine's state as one answer reads it (undefined without environments configured). */
export function promotionInput(config: Config, reader: PromotionReader | undefined, clusters: readonly Cluster[]): PromotionInput | undefined {
  const ctx = promotionContext(config, reader);
  if (!ctx) return undefined;
  const members = membersBy(config, clusters);
  const counted = new Map<string, readonly number[]>();
  const sizes = (environment: string, policy: EnvironmentPolicy): readonly number[] => {
    let s = counted.get(environment);
    if (!s) counted.set(environment, (s = waveSizes(policy, members(environment), environment, ctx.policies)));
    return s;
  };
  return { ctx, members, sizes };
}
