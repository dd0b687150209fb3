// The world of bench/promotion.ts: 100 clusters in 3 environments (dev 20, staging 30, prod 50 in
// two percent waves), 20 watches, one Application per (cluster, watch), and the random things that
// happen to them between two evaluations: new tags, health flips, sync drift (an Application
// that has not synced to what its cluster is served yet, or drifted from it), deletions and
// re-creations, and spells where the Application watch is broken (the data is stale). Seeded.
import type { EnvironmentPolicy } from '../../src/config/types.ts';
import { servedFor, waveIn } from '../../src/promotion/serve.ts';
import type { ApplicationObservation, ClusterPlacement, EngineInput, PromotionState } from '../../src/promotion/types.ts';
import { EMPTY_PROMOTION_STATE } from '../../src/promotion/types.ts';
import { prng } from '../../test/reliability/lib/bodies.ts';

export const SOAK = 30 * 60_000;
export const PAUSE = 10 * 60_000;
export const POLICIES: Record<string, EnvironmentPolicy> = {
  dev: {},
  staging: { promotion: { from: 'dev', soakMs: SOAK, requireHealthy: true, requireApproval: false } },
  prod: { promotion: { from: 'staging', soakMs: SOAK, requireHealthy: true, requireApproval: false }, rollout: { waves: [{ kind: 'percent', percent: 20 }, { kind: 'percent', percent: 80 }], pauseMs: PAUSE, requireHealthy: true } },
};
export const GATED = ['staging', 'prod'] as const;
export const FROM: Record<string, string> = { staging: 'dev', prod: 'staging' };
export const CLUSTERS: ClusterPlacement[] = [...Array(100).keys()].map((i) => ({ name: `c${i}`, environment: i < 20 ? 'dev' : i < 50 ? 'staging' : 'prod', labels: {} }));
/** 0-based wave of each cluster (index as CLUSTERS), -1 outside a rolling environment. */
export const WAVE: number[] = CLUSTERS.map((c) => waveIn(POLICIES, c.environment, c));
export const WATCHES = [...Array(20).keys()].map((i) => ({ name: `w${i}`, image: `ghcr.io/acme/w${i}` }));
export const imageOf = (watch: number, tag: number): string => `ghcr.io/acme/w${watch}:1.${tag}.0`;
const tagOf = (image: string): number => Number(image.split(':')[1]!.split('.')[1]);

export interface World {
  readonly random: () => number;
  now: number;
  /** Newest tag of each watch (the candidate every environment resolves). */
  readonly tags: number[];
  state: PromotionState;
  /** `cluster/watch` → the Application; absent while deleted. */
  readonly apps: Map<string, ApplicationObservation>;
  /** Steps left with a broken Application watch (the engine sees `known: false`). */
  staleFor: number;
  /** `watch/tag` of releases that fail in prod (its Applications there turn Degraded): rollouts stall, newer tags arrive mid-rollout. */
  readonly bad: Set<string>;
}

export function newWorld(seed: number): World {
  return { random: prng(seed), now: Date.parse('2026-01-01T00:00:00Z'), tags: WATCHES.map(() => 0), state: EMPTY_PROMOTION_STATE, apps: new Map(), staleFor: 0, bad: new Set() };
}

const resolution = (watch: number, tag: number) => ({ tag: `1.${tag}.0`, digest: `sha256:${(watch * 1000 + tag).toString(16).padStart(64, '0')}`, ref: imageOf(watch, tag), platforms: [], resolvedAt: '2026-01-01T00:00:00Z' });

export function engineInput(w: World, policies: Record<string, EnvironmentPolicy>): EngineInput {
  const known = w.staleFor === 0;
  return {
    now: new Date(w.now),
    watches: WATCHES,
    policies,
    candidate: (watch) => ({ resolution: resolution(Number(watch.slice(1)), w.tags[Number(watch.slice(1))]!), history: [] }),
    clusters: CLUSTERS,
    applications: { known, ...(!known && { reason: 'the Application watch is broken (simulated)' }), applications: [...w.apps.values()] },
    state: w.state,
    operations: [],
  };
}

/** The tag each cluster is served for each watch ([watch][cluster]); -1 = no promotion state (the candidate is served). */
export function servedMatrix(state: PromotionState): number[][] {
  return WATCHES.map((watch) => CLUSTERS.map((c, i) => {
    const s = servedFor(state, watch.name, c.environment, WAVE[i]!);
    return s ? Number(s.tag.split('.')[1]) : -1;
  }));
}

/** The simulated Argo CD: each Application follows what its cluster is served, with lag, drift and flips. */
function nextApp(w: World, prev: ApplicationObservation | undefined, c: ClusterPlacement, watch: number, tag: number): ApplicationObservation {
  const r = w.random;
  const want = imageOf(watch, tag);
  let image = prev?.images[0] ?? want;
  let sync = prev?.sync ?? 'Synced';
  if (image !== want) {
    if (r() < 0.9) [image, sync] = [want, 'Synced'];
    else sync = 'OutOfSync';
  } else if (sync === 'Synced' && r() < 0.003) sync = 'OutOfSync';
  else if (sync === 'OutOfSync' && r() < 0.5) sync = 'Synced';
  let health = prev?.health ?? 'Healthy';
  if (c.environment === 'prod' && w.bad.has(`${watch}/${tagOf(image)}`)) health = 'Degraded';
  else if (health === 'Healthy' && r() < 0.003) health = r() < 0.5 ? 'Progressing' : 'Degraded';
  else if (health !== 'Healthy' && r() < 0.5) health = 'Healthy';
  const same = prev !== undefined && prev.images[0] === image && prev.sync === sync && prev.health === health;
  return { namespace: 'argocd', name: `${c.name}-w${watch}`, cluster: c.name, sync, health, images: [image], since: same ? prev.since : new Date(w.now).toISOString() };
}

/** One step of Argo CD's life after an evaluation: deploy what is served, flip, drift, delete, re-create. */
export function deploy(w: World, served: number[][]): void {
  CLUSTERS.forEach((c, i) => {
    for (let watch = 0; watch < WATCHES.length; watch++) {
      const key = `${c.name}/${watch}`;
      const prev = w.apps.get(key);
      if (prev && w.random() < 0.002) {
        w.apps.delete(key);
        continue;
      }
      if (!prev && w.apps.size > 0 && w.random() < 0.7) continue;
      const tag = served[watch]![i]! >= 0 ? served[watch]![i]! : w.tags[watch]!;
      w.apps.set(key, nextApp(w, prev, c, watch, tag));
    }
  });
}

/** Between evaluations: new tags (each watch 8 % of the steps, 15 % of them bad in prod), maybe a broken Application watch, and the clock moves 0-30 minutes. */
function release(w: World, watch: number): void {
  w.tags[watch]! += 1;
  if (w.random() < 0.15) w.bad.add(`${watch}/${w.tags[watch]}`);
}

export function happen(w: World): void {
  for (let watch = 0; watch < WATCHES.length; watch++) if (w.random() < 0.08) release(w, watch);
  if (w.staleFor > 0) w.staleFor -= 1;
  else if (w.random() < 0.05) w.staleFor = 1 + Math.floor(w.random() * 3);
  w.now += Math.floor(w.random() * 31) * 60_000;
}
