// A small world for the promotion engine: one watch (web), a staging environment with two clusters
// and a prod environment with a canary cluster and three others, rolled out in two waves; the
// Applications' states are set per cluster and the clock is moved by hand.
import type { Resolution } from '../../src/cache/types.ts';
import type { EnvironmentPolicy } from '../../src/config/types.ts';
import type { OperationRecord } from '../../src/operations/types.ts';
import { evaluatePromotion } from '../../src/promotion/engine.ts';
import { servedFor, waveIn } from '../../src/promotion/serve.ts';
import type { ApplicationObservation, Candidate, ClusterPlacement, EngineResult, PromotionState } from '../../src/promotion/types.ts';
import { EMPTY_PROMOTION_STATE } from '../../src/promotion/types.ts';

export const IMAGE = 'ghcr.io/acme/web';
const T0 = Date.parse('2026-11-30T10:00:00Z');

export function resolution(tag: string): Resolution {
  const digest = `sha256:${Buffer.from(tag).toString('hex').padEnd(64, '0').slice(0, 64)}`;
  return { tag, digest, ref: `${IMAGE}:${tag}@${digest}`, platforms: ['linux/amd64'], resolvedAt: new Date(T0).toISOString() };
}

export const POLICIES: Record<string, EnvironmentPolicy> = {
  staging: {},
  prod: {
    promotion: { from: 'staging', soakMs: 3_600_000, requireHealthy: true, requireApproval: false },
    rollout: { waves: [{ kind: 'selector', selector: { matchLabels: { wave: 'canary' }, matchExpressions: [] } }, { kind: 'percent', percent: 100 }], pauseMs: 1_800_000, requireHealthy: true },
  },
};

export const CLUSTERS: ClusterPlacement[] = [
  { name: 'stg-1', environment: 'staging', labels: { environment: 'staging' } },
  { name: 'stg-2', environment: 'staging', labels: { environment: 'staging' } },
  { name: 'prod-canary', environment: 'prod', labels: { environment: 'prod', wave: 'canary' } },
  { name: 'prod-1', environment: 'prod', labels: { environment: 'prod' } },
  { name: 'prod-2', environment: 'prod', labels: { environment: 'prod' } },
  { name: 'prod-3', environment: 'prod', labels: { environment: 'prod' } },
];

export class World {
  now = T0;
  policies: Record<string, EnvironmentPolicy> = POLICIES;
  clusters: ClusterPlacement[] = CLUSTERS;
  candidates = new Map<string, Candidate>();
  apps = new Map<string, ApplicationObservation>();
  known = true;
  operations: OperationRecord[] = [];
  state: PromotionState = EMPTY_PROMOTION_STATE;
  last!: EngineResult;

  at(minutes: number): this {
    this.now = T0 + minutes * 60_000;
    return this;
  }

  /** The poller resolved `tag` for every environment. */
  resolve(tag: string, held?: string): this {
    for (const env of ['staging', 'prod']) this.candidates.set(env, { resolution: resolution(tag), history: [], ...(held && { held: { reason: held } }) });
    return this;
  }

  /** The Application on `cluster` runs `tag` with this sync/health, since now. */
  app(cluster: string, tag: string, health = 'Healthy', sync = 'Synced'): this {
    const r = resolution(tag);
    this.apps.set(cluster, { namespace: 'argocd', name: `web-${cluster}`, cluster, sync, health, images: [`${IMAGE}:${r.tag}@${r.digest}`], since: new Date(this.now).toISOString() });
    return this;
  }

  /** Every cluster's Application runs what it is served, healthy, since now. */
  deployAll(): this {
    for (const c of this.clusters) this.app(c.name, this.tagOf(c.name));
    return this;
  }

  evaluate(): EngineResult {
    this.last = evaluatePromotion({
      now: new Date(this.now),
      watches: [{ name: 'web', image: IMAGE }],
      policies: this.policies,
      candidate: (_w, env) => this.candidates.get(env),
      clusters: this.clusters,
      applications: { known: this.known, ...(!this.known && { reason: 'watch broken' }), applications: [...this.apps.values()] },
      state: this.state,
      operations: this.operations,
    });
    this.state = this.last.state;
    return this.last;
  }

  /** The tag a cluster is served now. */
  tagOf(cluster: string): string {
    const c = this.clusters.find((x) => x.name === cluster)!;
    const served = servedFor(this.state, 'web', c.environment, waveIn(this.policies, c.environment, c));
    return served?.tag ?? this.candidates.get(c.environment)!.resolution.tag;
  }

  tags(env: string): string[] {
    return this.clusters.filter((c) => c.environment === env).map((c) => this.tagOf(c.name));
  }
}
