// One evaluation of the pure promotion engine at the size of bench/promotion-scale.ts: every
// cluster with one Application listing every watch's image. Two states: every watch's candidate
// waiting at prod's entry gate (staging's Applications do not run it yet: the gate reads them), and
// prod mid-rollout for every watch (the wave gate waits for its pause). Returns the median of 3
// evaluations of each, in seconds: what the service spends after each Application change it reads.
import type { EnvironmentPolicy } from '../../src/config/types.ts';
import { evaluatePromotion } from '../../src/promotion/engine.ts';
import type { ApplicationObservation, EngineInput } from '../../src/promotion/types.ts';
import { EMPTY_PROMOTION_STATE } from '../../src/promotion/types.ts';
import { clusterList, type ScaleShape } from './scale-setup.ts';

const POLICIES: Record<string, EnvironmentPolicy> = {
  staging: {},
  prod: { promotion: { from: 'staging', soakMs: 0, requireHealthy: true, requireApproval: false }, rollout: { waves: [{ kind: 'percent', percent: 10 }, { kind: 'percent', percent: 90 }], pauseMs: 3_600_000, requireHealthy: true } },
};

const res = (i: number, tag: number) => ({ tag: `1.${tag}.0`, digest: `sha256:${(i * 10 + tag).toString(16).padStart(64, '0')}`, ref: `registry.bench/synth/r${i}:1.${tag}.0`, platforms: [], resolvedAt: '2026-01-01T00:00:00Z' });

function median(evaluate: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    evaluate();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[1]! / 1000;
}

export function engineSeconds(shape: ScaleShape): { gate: number; rolling: number } {
  const clusters = clusterList(shape).map((c) => ({ name: c.name, environment: c.labels.environment!, labels: c.labels }));
  const watches = Array.from({ length: shape.watches }, (_, i) => ({ name: `w${i}`, image: `registry.bench/synth/r${i}` }));
  let stagingTag = 3;
  const apps = (): ApplicationObservation[] => clusters.map((c) => ({ namespace: 'argocd', name: `apps-${c.name}`, cluster: c.name, sync: 'Synced', health: 'Healthy', since: '2025-12-31T00:00:00Z', images: watches.map((_, i) => res(i, c.environment === 'staging' ? stagingTag : 3).ref) }));
  let tag = 3;
  const input = (state: EngineInput['state']): EngineInput => ({ now: new Date('2026-01-01T00:00:00Z'), watches, policies: POLICIES, candidate: (w) => ({ resolution: res(Number(w.slice(1)), tag), history: [] }), clusters, applications: { known: true, applications: apps() }, state, operations: [] });
  let state = evaluatePromotion(input(EMPTY_PROMOTION_STATE)).state;
  tag = 4;
  const blocked = input(state);
  const gate = median(() => evaluatePromotion(blocked));
  stagingTag = 4;
  state = evaluatePromotion(input(state)).state;
  const mid = input(state);
  return { gate, rolling: median(() => evaluatePromotion(mid)) };
}
