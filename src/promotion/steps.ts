// One (watch, environment) one step forward: a hold is served at once; a first reference is
// adopted; a rollout under way opens its next wave when the wave gate opens; otherwise a new
// candidate (or an operator's promote) starts a rollout once the entry gate opens. A rollout under
// way is finished before a newer reference starts (never three versions at once). Pure.
import type { Resolution } from '../cache/types.ts';
import type { Evaluation } from './context.ts';
import { operationFor } from './context.ts';
import { entryGate, waveGate, type ServedLookup } from './gate-checks.ts';
import type { Candidate, EnvironmentState, NoteKind, WatchRef } from './types.ts';

export interface Step {
  readonly ev: Evaluation;
  readonly watch: WatchRef;
  readonly environment: string;
  readonly served: ServedLookup;
}

function noted(state: EnvironmentState, kind: NoteKind, reason: string, opensAt?: string): EnvironmentState {
  return { ...state, note: { kind, reason, ...(opensAt !== undefined && { opensAt }) } };
}

function quiet(state: EnvironmentState): EnvironmentState {
  const { note: _, ...rest } = state;
  return rest;
}

function settled(resolution: Resolution, nowIso: string, note?: EnvironmentState['note']): EnvironmentState {
  return { served: resolution, servedAt: nowIso, wave: 0, waveAt: nowIso, changedAt: nowIso, ...(note && { note }) };
}

function held(s: Step, prev: EnvironmentState | undefined, candidate: Candidate): EnvironmentState {
  const note = { kind: 'held' as const, reason: `held at ${candidate.resolution.tag}: ${candidate.held!.reason}` };
  if (prev && prev.target === undefined && prev.served.ref === candidate.resolution.ref) return { ...prev, note };
  return settled(candidate.resolution, s.ev.nowIso, note);
}

/** A first reference: what the `from` environment serves (never ahead of it), else the candidate. */
function adopt(s: Step, candidate: Candidate): EnvironmentState {
  const from = s.ev.input.policies[s.environment]?.promotion?.from;
  const there = from === undefined ? undefined : s.served(from);
  return settled(there?.resolution ?? candidate.resolution, s.ev.nowIso);
}

/** Opens waves while their gate opens; opening the last wave makes the target the environment's reference. */
function roll(s: Step, state: EnvironmentState): EnvironmentState {
  const rollout = s.ev.input.policies[s.environment]?.rollout;
  let at = state;
  for (;;) {
    const target = at.target;
    if (target === undefined) return at;
    if (!rollout || at.wave >= rollout.waves.length - 1) return quiet(settled(target, s.ev.nowIso));
    const gate = waveGate(s.ev, s.watch, s.environment, target, at.wave, at.waveAt);
    if (!gate.open) return noted(at, gate.kind, gate.reason, gate.opensAt);
    at = quiet({ ...at, wave: at.wave + 1, waveAt: s.ev.nowIso });
  }
}

/** The reference an operator's promote names: the candidate, one of its history, or what `from` serves. */
function promoted(s: Step, prev: EnvironmentState, candidate: Candidate): { tag: string; resolution?: Resolution } | undefined {
  const op = operationFor(s.ev.input.operations, 'promote', s.watch.name, s.environment, (o) => o.tag !== undefined && Date.parse(o.at) > Date.parse(prev.changedAt));
  if (op?.tag === undefined) return undefined;
  const from = s.ev.input.policies[s.environment]?.promotion?.from;
  const known = [candidate.resolution, ...candidate.history, ...(from === undefined ? [] : [s.served(from)?.resolution])];
  return { tag: op.tag, resolution: known.find((r) => r?.tag === op.tag) };
}

function start(s: Step, prev: EnvironmentState, candidate: Candidate): EnvironmentState {
  const promote = promoted(s, prev, candidate);
  if (promote && promote.resolution === undefined) return noted(prev, 'blocked', `promote ${promote.tag}: no resolution of ${s.watch.name} with that tag is known; promote a tag the service resolved`);
  const x = promote?.resolution ?? candidate.resolution;
  if (x.ref === prev.served.ref) return quiet(prev);
  if (!promote) {
    const gate = entryGate(s.ev, s.watch, s.environment, x, s.served);
    if (!gate.open) return noted(prev, gate.kind, gate.reason, gate.opensAt);
  }
  return roll(s, quiet({ ...prev, target: x, wave: 0, waveAt: s.ev.nowIso, changedAt: s.ev.nowIso }));
}

export function stepEnvironment(s: Step, prev: EnvironmentState | undefined, candidate: Candidate | undefined): EnvironmentState | undefined {
  if (candidate === undefined) return prev;
  if (candidate.held) return held(s, prev, candidate);
  if (prev === undefined) return adopt(s, candidate);
  const apps = s.ev.input.applications;
  if (!apps.known) return noted(prev, 'stale', `nothing moves while the Application data is unknown: ${apps.reason ?? 'not read yet'}`);
  if (prev.target !== undefined) return roll(s, prev);
  return start(s, prev, candidate);
}
