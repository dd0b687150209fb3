// The two gates of one (watch, environment): may a reference enter the environment (promotion:
// the `from` environment ran it Synced and Healthy for `soak`, and an approval when one is
// required), and may the next wave open (every Application of the current wave ran it Synced and
// Healthy for `pause`). Each answers "open" or the reason it is closed. Pure.
import type { Resolution } from '../cache/types.ts';
import type { Evaluation } from './context.ts';
import { operationFor } from './context.ts';
import { appsOf, firstFailing, type Failing } from './gates.ts';
import type { WatchRef } from './types.ts';

/** Closed gates that wait only on time (`waiting`) say when they open (ISO 8601), for status and pages. */
export type Gate = { open: true } | { open: false; kind: 'waiting' | 'blocked' | 'awaiting-approval'; reason: string; opensAt?: string };

const OPEN: Gate = { open: true };

/** What an environment serves to its whole set of clusters, and since when. */
export type ServedLookup = (environment: string) => { resolution: Resolution; since: string } | undefined;

function until(sinceIso: string, ms: number): string {
  return new Date(Date.parse(sinceIso) + ms).toISOString();
}

/** An Application holds the gate: blocked, or waiting until it has run long enough (then wake the engine). */
function closedBy(ev: Evaluation, failing: Failing, reason: string): Gate {
  if (failing.opensAt === undefined) return { open: false, kind: 'blocked', reason };
  ev.wakeAt(failing.opensAt);
  return { open: false, kind: 'waiting', reason, opensAt: new Date(failing.opensAt).toISOString() };
}

function fromGate(ev: Evaluation, watch: WatchRef, environment: string, x: Resolution, served: ServedLookup): Gate {
  const promotion = ev.input.policies[environment]!.promotion!;
  const { from, soakMs } = promotion;
  if (!promotion.requireHealthy) {
    const there = served(from);
    if (there?.resolution.ref !== x.ref) return { open: false, kind: 'blocked', reason: `${from} does not serve ${x.tag} yet (it serves ${there?.resolution.tag ?? 'nothing'})` };
    const opens = Date.parse(there.since) + soakMs;
    if (opens > ev.now) {
      ev.wakeAt(opens);
      return { open: false, kind: 'waiting', reason: `${from} serves ${x.tag} since ${there.since}; soak until ${until(there.since, soakMs)}`, opensAt: until(there.since, soakMs) };
    }
    return OPEN;
  }
  const apps = appsOf(ev.input.applications.applications, ev.clustersIn(from), watch.image);
  if (apps.length === 0) return { open: false, kind: 'blocked', reason: `no Application on a ${from} cluster runs ${watch.image}, so nothing shows ${x.tag} healthy there` };
  const failing = firstFailing(apps, watch.image, x, soakMs, ev.now);
  if (failing === undefined) return OPEN;
  return closedBy(ev, failing, `${from} Application ${failing.app.namespace}/${failing.app.name} (cluster ${failing.app.cluster}) ${failing.why}`);
}

/** May `x` enter the environment? The from gate, then the approval when one is required. */
export function entryGate(ev: Evaluation, watch: WatchRef, environment: string, x: Resolution, served: ServedLookup): Gate {
  const promotion = ev.input.policies[environment]?.promotion;
  if (!promotion) return OPEN;
  const gate = fromGate(ev, watch, environment, x, served);
  if (!gate.open || !promotion.requireApproval) return gate;
  const approved = operationFor(ev.input.operations, 'approve', watch.name, environment, (op) => op.tag === x.tag && (op.wave === undefined || op.wave === 1));
  if (approved) return OPEN;
  return { open: false, kind: 'awaiting-approval', reason: `${x.tag} passed the ${promotion.from} gate and waits for an approval (approve ${watch.name} ${environment} ${x.tag})` };
}

/** May the wave after `wave` (0-based) open for `target`? */
export function waveGate(ev: Evaluation, watch: WatchRef, environment: string, target: Resolution, wave: number, waveAt: string): Gate {
  const rollout = ev.input.policies[environment]!.rollout!;
  const members = ev.wavesIn(environment)[wave] ?? new Set<string>();
  if (members.size === 0) return OPEN;
  const approved = operationFor(ev.input.operations, 'approve', watch.name, environment, (op) => op.tag === target.tag && op.wave === wave + 2);
  if (approved) return OPEN;
  const opens = Date.parse(waveAt) + rollout.pauseMs;
  if (opens > ev.now) {
    ev.wakeAt(opens);
    return { open: false, kind: 'waiting', reason: `wave ${wave + 1} runs ${target.tag} since ${waveAt}; pause until ${until(waveAt, rollout.pauseMs)}`, opensAt: until(waveAt, rollout.pauseMs) };
  }
  if (!rollout.requireHealthy) return OPEN;
  const apps = appsOf(ev.input.applications.applications, members, watch.image);
  const failing = firstFailing(apps, watch.image, target, rollout.pauseMs, ev.now);
  if (failing === undefined) return OPEN;
  return closedBy(ev, failing, `wave ${wave + 1}: Application ${failing.app.namespace}/${failing.app.name} (cluster ${failing.app.cluster}) ${failing.why}`);
}
