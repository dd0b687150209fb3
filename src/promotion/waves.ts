// Which wave a cluster belongs to. Selector waves claim the clusters they match, in order; the
// clusters left are shared out by the percent waves through a bucket 0..99 taken from a hash of
// the cluster's name, so a cluster stays in its wave whatever other clusters come and go. With no
// percent wave, clusters no selector matches are in the last wave. Pure.
import { createHash } from 'node:crypto';
import type { RolloutSpec } from '../config/types.ts';
import { matchesSelector } from '../clusters/selector.ts';

/** 0..99 from the first four bytes of SHA-256(name): stable across restarts, versions and replicas. */
export function bucketOf(clusterName: string): number {
  return createHash('sha256').update(clusterName).digest().readUInt32BE(0) % 100;
}

/** 0-based wave of a cluster in an environment that rolls out. */
export function waveOf(rollout: RolloutSpec, cluster: { readonly name: string; readonly labels: Readonly<Record<string, string>> }): number {
  const { waves } = rollout;
  for (let i = 0; i < waves.length; i++) {
    const wave = waves[i]!;
    if (wave.kind === 'selector' && matchesSelector(cluster.labels, wave.selector)) return i;
  }
  const bucket = bucketOf(cluster.name);
  let upTo = 0;
  let lastPercent = -1;
  for (let i = 0; i < waves.length; i++) {
    const wave = waves[i]!;
    if (wave.kind !== 'percent') continue;
    upTo += wave.percent;
    lastPercent = i;
    if (bucket < upTo) return i;
  }
  return lastPercent >= 0 ? lastPercent : waves.length - 1;
}
