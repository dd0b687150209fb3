// The status of one (watch, environment) from its state: what is served, what waits and why. Pure.
import type { Evaluation } from './context.ts';
import type { EnvironmentState, PromotionStatus, StatusState } from './types.ts';

export function statusOf(ev: Evaluation, watch: string, environment: string, state: EnvironmentState): PromotionStatus {
  const rollout = ev.input.policies[environment]?.rollout;
  const note = state.note;
  let kind: StatusState = state.target ? 'rolling' : 'idle';
  if (note && note.kind !== 'moved' && !(note.kind === 'waiting' && state.target)) kind = note.kind;
  const gated = note && (note.kind === 'blocked' || note.kind === 'awaiting-approval' || note.kind === 'waiting');
  const pending = state.target ?? (gated ? ev.input.candidate(watch, environment)?.resolution : undefined);
  const pendingRef = pending?.ref;
  return {
    watch,
    environment,
    state: kind,
    served: state.served.ref,
    servedTag: state.served.tag,
    ...(pendingRef !== undefined && pendingRef !== state.served.ref && { pending: pendingRef, pendingTag: pending!.tag }),
    ...(rollout && { wave: state.target ? state.wave + 1 : rollout.waves.length, waves: rollout.waves.length }),
    ...(note && { reason: note.reason }),
    ...(note?.kind === 'waiting' && note.opensAt !== undefined && { opensAt: note.opensAt }),
    since: state.target ? state.waveAt : state.changedAt,
  };
}
