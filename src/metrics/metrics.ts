// Prometheus metrics (text format via prom-client, one Registry per app: no global state).
// Resolution and inventory figures are read from their sources at scrape time, so they are never
// out of date; latencies and counters are recorded as things happen. No label carries a secret.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CacheReader } from '../cache/types.ts';
import type { ClusterSource } from '../clusters/types.ts';
import type { Config } from '../config/types.ts';
import type { RegistryStats } from '../registry/types.ts';
import type { Clock } from '../shared/clock.ts';
import { isStale } from '../cache/staleness.ts';
import type { GateCounters } from '../verify/types.ts';
import type { OperationsReader } from '../operations/types.ts';
import { promotionGauges, type PromotionState } from './promotion.ts';
import { registryLimitGauges } from './registry-limits.ts';

/** Every metric's name starts with the product's name (Prometheus naming: a prefix per exporter). */
const METRIC_PREFIX = 'argocd_image_plugins_';

export interface MetricsSources {
  readonly config: () => Config | undefined;
  readonly cache: CacheReader;
  readonly clusters: Pick<ClusterSource, 'inventory'>;
  /** Registry client statistics by host (request counts by status, budget left). */
  readonly registryStats?: () => ReadonlyMap<string, RegistryStats>;
  readonly clock: Clock;
  /** Signature verdicts since start (the supply-chain gate). */
  readonly verifyCounters?: () => Readonly<GateCounters>;
  /** Operations in effect (holds, approvals, promotions). */
  readonly operations?: OperationsReader;
  /** The promotion engine's latest status per watch and environment. */
  readonly promotion?: () => readonly PromotionState[];
}

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly getParams: Counter<'outcome'>;
  readonly getParamsAnswers: Counter<'from'>;
  readonly webhookEvents: Counter<'source' | 'outcome'>;
  readonly pushToResolved: Histogram<'source'>;
  readonly refreshes: Counter<'outcome'>;
}

function resolutionGauges(registry: Registry, s: MetricsSources): void {
  // prom-client serialises metrics in registration order, so each one collects its own values.
  new Gauge({
    name: `${METRIC_PREFIX}resolution_info`, help: 'Current resolution per watch and environment (value 1; the tag is a label).', labelNames: ['watch', 'environment', 'image', 'tag'], registers: [registry],
    collect() {
      this.reset();
      for (const e of s.cache.entries()) if (e.current) this.set({ watch: e.watch, environment: e.environment, image: e.image, tag: e.current.tag }, 1);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}resolution_stale`, help: '1 when the resolution is stale (last scan failed, or none within three intervals).', labelNames: ['watch', 'environment'], registers: [registry],
    collect() {
      this.reset();
      const interval = s.config()?.polling.intervalSeconds ?? 300;
      for (const e of s.cache.entries()) this.set({ watch: e.watch, environment: e.environment }, isStale(e, s.clock.now(), interval) ? 1 : 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}resolution_check_age_seconds`, help: 'Seconds since the last completed scan of this entry.', labelNames: ['watch', 'environment'], registers: [registry],
    collect() {
      this.reset();
      for (const e of s.cache.entries()) if (e.lastCheckedAt) this.set({ watch: e.watch, environment: e.environment }, Math.max(0, (s.clock.now() - Date.parse(e.lastCheckedAt)) / 1000));
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}resolutions`, help: 'Entries by state.', labelNames: ['state'], registers: [registry],
    collect() {
      const all = s.cache.entries();
      const ok = all.filter((e) => e.current).length;
      this.set({ state: 'resolved' }, ok);
      this.set({ state: 'never_resolved' }, all.length - ok);
    },
  });
}

function registryGauges(registry: Registry, s: MetricsSources): void {
  new Counter({
    name: `${METRIC_PREFIX}registry_requests_total`, help: 'Requests sent to each registry, by HTTP status ("error" for network failures).', labelNames: ['registry', 'status'], registers: [registry],
    collect() {
      this.reset();
      for (const [host, stats] of s.registryStats?.() ?? []) for (const [status, n] of Object.entries(stats.requestsByStatus)) this.inc({ registry: host, status }, n);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}signature_verdicts_total`, help: 'Signature verdicts reached per new digest: verified, refused, lookup_failed (cached verdicts are not counted again).', labelNames: ['verdict'], registers: [registry],
    collect() {
      this.reset();
      const c = s.verifyCounters?.();
      if (c) for (const [verdict, n] of [['verified', c.verified], ['refused', c.refused], ['lookup_failed', c.lookupFailures]] as const) this.inc({ verdict }, n);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}registry_budget_left`, help: 'Requests left in the current budget window of each registry.', labelNames: ['registry'], registers: [registry],
    collect() {
      this.reset();
      for (const [host, stats] of s.registryStats?.() ?? []) this.set({ registry: host }, stats.budgetLeft);
    },
  });
}

function clusterGauges(registry: Registry, s: MetricsSources): void {
  new Gauge({
    name: `${METRIC_PREFIX}clusters`,
    help: 'Clusters in the inventory.',
    registers: [registry],
    collect() {
      this.set(s.clusters.inventory().clusters.length);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}cluster_inventory_error`,
    help: '1 while the last read of the cluster inventory failed.',
    registers: [registry],
    collect() {
      this.set(s.clusters.inventory().error ? 1 : 0);
    },
  });
}

export function createServiceMetrics(sources: MetricsSources): ServiceMetrics {
  const registry = new Registry();
  resolutionGauges(registry, sources);
  registryGauges(registry, sources);
  registryLimitGauges(registry, METRIC_PREFIX, sources);
  clusterGauges(registry, sources);
  promotionGauges(registry, METRIC_PREFIX, sources);
  return {
    registry,
    requestDuration: new Histogram({ name: `${METRIC_PREFIX}http_request_duration_seconds`, help: 'HTTP request latency by route.', labelNames: ['method', 'route', 'status'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    getParams: new Counter({ name: `${METRIC_PREFIX}getparams_total`, help: 'getparams answers by outcome ("ok" or an error code).', labelNames: ['outcome'], registers: [registry] }),
    getParamsAnswers: new Counter({ name: `${METRIC_PREFIX}getparams_answers_total`, help: 'getparams parameter sets by where they came from: "cache" (built before for the same question and state) or "built".', labelNames: ['from'], registers: [registry] }),
    webhookEvents: new Counter({ name: `${METRIC_PREFIX}webhook_events_total`, help: 'Registry push events by source and outcome.', labelNames: ['source', 'outcome'], registers: [registry] }),
    pushToResolved: new Histogram({ name: `${METRIC_PREFIX}push_to_resolved_seconds`, help: 'From a push event arriving to the re-scan of its repository finishing.', labelNames: ['source'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] }),
    refreshes: new Counter({ name: `${METRIC_PREFIX}applicationset_refreshes_total`, help: 'ApplicationSet refresh requests by outcome.', labelNames: ['outcome'], registers: [registry] }),
  };
}
