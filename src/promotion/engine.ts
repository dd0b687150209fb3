// evaluatePromotion: one pass over every watch and every environment with a promotion or a rollout,
// in chain order (a `from` before those that follow it). Returns the next state, the changes since
// the last pass (each said once) and the status of every (watch, environment). Pure and
// deterministic: the same input gives the same output, key order included.
import type { Evaluation } from './context.ts';
import { newEvaluation } from './context.ts';
import type { ServedLookup } from './gate-checks.ts';
import { statusOf } from './status.ts';
import { stepEnvironment } from './steps.ts';
import type { EngineInput, EngineResult, EnvironmentState, PromotionChange, PromotionStatus, WatchRef } from './types.ts';

function servedLookup(ev: Evaluation, watch: string, states: Readonly<Record<string, EnvironmentState>>): ServedLookup {
  return (environment) => {
    const state = states[environment];
    if (state) return { resolution: state.served, since: state.servedAt };
    if (Object.hasOwn(ev.input.policies, environment) && ev.input.policies[environment]!.promotion) return undefined;
    const candidate = ev.input.candidate(watch, environment);
    return candidate && { resolution: candidate.resolution, since: candidate.resolution.resolvedAt };
  };
}

/** What changed between two states of one (watch, environment), said once. */
export function changesBetween(watch: string, environment: string, prev: EnvironmentState | undefined, next: EnvironmentState): PromotionChange[] {
  const out: PromotionChange[] = [];
  const base = { watch, environment };
  if (next.target !== undefined && (prev?.target?.ref !== next.target.ref || prev.wave !== next.wave)) {
    out.push({ ...base, kind: 'moved', wave: next.wave + 1, ref: next.target.ref, reason: `wave ${next.wave + 1} now runs ${next.target.tag}` });
  } else if (prev?.served.ref !== next.served.ref || (prev.target !== undefined && next.target === undefined)) {
    out.push({ ...base, kind: 'moved', ref: next.served.ref, reason: prev ? `every cluster of ${environment} now runs ${next.served.tag}` : `${environment} starts with ${next.served.tag}` });
  }
  const note = next.note;
  if (note && note.kind !== 'moved' && note.kind !== 'waiting' && (prev?.note?.kind !== note.kind || prev.note.reason !== note.reason)) {
    out.push({ ...base, kind: note.kind, ...(next.target && { wave: next.wave + 1 }), ref: (next.target ?? next.served).ref, reason: note.reason });
  }
  return out;
}

function evaluateWatch(ev: Evaluation, watch: WatchRef, changes: PromotionChange[], status: PromotionStatus[]): Record<string, EnvironmentState> {
  const before = ev.input.state.watches[watch.name] ?? {};
  const after: Record<string, EnvironmentState> = {};
  const served = servedLookup(ev, watch.name, after);
  for (const environment of ev.order) {
    const prev = before[environment];
    const next = stepEnvironment({ ev, watch, environment, served }, prev, ev.input.candidate(watch.name, environment));
    if (next === undefined) continue;
    after[environment] = next;
    changes.push(...changesBetween(watch.name, environment, prev, next));
    status.push(statusOf(ev, watch.name, environment, next));
  }
  return after;
}

export function evaluatePromotion(input: EngineInput): EngineResult {
  const ev = newEvaluation(input);
  const changes: PromotionChange[] = [];
  const status: PromotionStatus[] = [];
  const watches: Record<string, Record<string, EnvironmentState>> = {};
  for (const watch of [...input.watches].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const envs = evaluateWatch(ev, watch, changes, status);
    if (Object.keys(envs).length > 0) watches[watch.name] = envs;
  }
  return { state: { watches }, changes, status, ...(ev.wake.at !== undefined && { wakeAt: new Date(ev.wake.at).toISOString() }) };
}

/**
 * The status of the state in `input` as it stands, nothing stepped: what a replica that serves a
 * state another one computed (a follower of the shared state) reports.
 */
export function statusOfState(input: EngineInput): PromotionStatus[] {
  const ev = newEvaluation(input);
  const status: PromotionStatus[] = [];
  for (const watch of [...input.watches].map((w) => w.name).sort()) {
    const states = input.state.watches[watch] ?? {};
    for (const environment of ev.order) if (states[environment]) status.push(statusOf(ev, watch, environment, states[environment]));
  }
  return status;
}
