// Progressive delivery for bench/ui.ts: the environments section (staging, and prod following it in
// two waves) and a fixed promotion state in which every other watch is rolling out to prod (its
// canary wave runs the new reference, the second wave waits for the canary's Applications), so the
// page carries what a real rollout shows: per-wave rows, pending moves and their reasons.
import type { Config } from '../../src/config/types.ts';
import type { PromotionStatusReader } from '../../src/operations/types.ts';
import type { EnvironmentState, PromotionSource, PromotionState, PromotionStatus } from '../../src/promotion/types.ts';
import type { Resolution } from '../../src/cache/types.ts';

export const ENVIRONMENTS = {
  staging: {},
  prod: { promotion: { from: 'staging', soak: '1h' }, rollout: { waves: [{ selector: { matchLabels: { wave: 'canary' } } }, { percent: 100 }], pause: '30m' } },
};

/** Cluster labels: one in five is staging, one in ten of the others a prod canary. */
export function clusterLabels(i: number): Record<string, string> {
  if (i % 5 === 0) return { environment: 'staging' };
  return i % 10 === 1 ? { environment: 'prod', wave: 'canary' } : { environment: 'prod' };
}

function resolution(image: string, tag: string, n: number, at: string): Resolution {
  const digest = `sha256:${String(n).repeat(64)}`;
  return { tag, digest, ref: `${image}:${tag}@${digest}`, platforms: ['linux/amd64', 'linux/arm64'], resolvedAt: at };
}

export function staticPromotion(config: Config, now: number): PromotionSource & PromotionStatusReader {
  const at = new Date(now - 3_600_000).toISOString();
  const watches: Record<string, Record<string, EnvironmentState>> = {};
  const status: PromotionStatus[] = [];
  config.watches.forEach((w, i) => {
    const served = resolution(w.image, '1.1.0', 2, at);
    const next = resolution(w.image, '1.2.0', 3, at);
    const rolling = i % 2 === 0;
    const prod: EnvironmentState = rolling ? { served, servedAt: at, target: next, wave: 0, waveAt: at, changedAt: at, note: { kind: 'blocked', reason: `wave 1: Application argocd/${w.name}-canary (cluster cluster-001) is Synced/Progressing since ${at}` } } : { served: next, servedAt: at, wave: 0, waveAt: at, changedAt: at };
    watches[w.name] = { staging: { served: next, servedAt: at, wave: 0, waveAt: at, changedAt: at }, prod };
    status.push({ watch: w.name, environment: 'prod', state: rolling ? 'blocked' : 'idle', served: prod.served.ref, servedTag: prod.served.tag, ...(rolling && { pending: next.ref, pendingTag: next.tag, reason: prod.note!.reason }), wave: rolling ? 1 : 2, waves: 2, since: at });
  });
  const state: PromotionState = { watches };
  return { state: () => state, revision: () => 1, status: () => status, addListener: () => () => undefined, view: () => undefined };
}
