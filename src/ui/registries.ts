// Registries as the status page shows them: last scan and last error (from the cache entries of
// the watches reading each registry), the rate limits (limits-view.ts, kept when they change) and
// the request budget's use over time, sampled from the
// registry clients' statistics every few seconds into a bounded ring that keeps changes only (the
// page draws steps over time), so an idle service's answer stays the same and pages get 304s.
import type { CacheReader } from '../cache/types.ts';
import type { Config } from '../config/types.ts';
import type { RegistryStats } from '../registry/types.ts';
import type { Clock } from '../shared/clock.ts';
import { describeRegistryLimits, type RegistryLimitsView } from '../registry/limits-view.ts';
import type { BudgetSample, RegistryLimitsSummary, RegistryView } from './types.ts';

/** At least one hour of samples at the default period. */
const MAX_SAMPLES = 360;

export interface BudgetHistory {
  /** Takes one sample of every registry now (the timer calls this). */
  sample(): void;
  samples(host: string): readonly BudgetSample[];
  /** Rate limits at the last sample that changed them. */
  limits(host: string): RegistryLimitsSummary | undefined;
  /** Increases with every sample that differs from the one before, so answers built from it can be kept until it moves. */
  readonly sequence: number;
  stop(): void;
}

function summaryOf(v: RegistryLimitsView): RegistryLimitsSummary {
  const windows = Object.entries(v.windows).flatMap(([window, w]) => (w ? [{ window, limit: w.limit, remaining: w.remaining, windowSeconds: w.windowSeconds }] : []));
  return { windows, refused: v.refused, waiting: { state: v.waiting.state, until: v.waiting.until } };
}

/** Records each asked registry's rate limits; true when any changed since the last sample. */
function sampleLimits(into: Map<string, { summary: RegistryLimitsSummary; key: string }>, config: Config, stats: ReadonlyMap<string, RegistryStats>, at: number): boolean {
  let changed = false;
  for (const view of describeRegistryLimits(config, stats, at)) {
    if (!stats.has(view.host)) continue;
    const summary = summaryOf(view);
    const key = JSON.stringify(summary);
    if (into.get(view.host)?.key === key) continue;
    into.set(view.host, { summary, key });
    changed = true;
  }
  return changed;
}

export function createBudgetHistory(deps: { config: () => Config | undefined; stats?: () => ReadonlyMap<string, RegistryStats>; clock: Clock; periodMs?: number }): BudgetHistory {
  const rings = new Map<string, BudgetSample[]>();
  const limits = new Map<string, { summary: RegistryLimitsSummary; key: string }>();
  let sequence = 0;
  const history: BudgetHistory = {
    sample() {
      const config = deps.config();
      const stats = deps.stats?.();
      if (!config || !stats) return;
      const at = deps.clock.now();
      let changed = false;
      for (const registry of config.registries) {
        const s = stats.get(registry.host);
        if (!s) continue;
        let ring = rings.get(registry.host);
        if (!ring) rings.set(registry.host, (ring = []));
        const used = Math.max(0, registry.requestBudget - s.budgetLeft);
        if (ring.at(-1)?.used === used) continue;
        ring.push({ at, used });
        if (ring.length > MAX_SAMPLES) ring.shift();
        changed = true;
      }
      if (sampleLimits(limits, config, stats, at)) changed = true;
      if (changed) sequence++;
    },
    samples: (host) => rings.get(host) ?? [],
    limits: (host) => limits.get(host)?.summary,
    get sequence() {
      return sequence;
    },
    stop() {
      clearInterval(timer);
    },
  };
  const timer = setInterval(() => history.sample(), deps.periodMs ?? 10_000);
  timer.unref();
  history.sample();
  return history;
}

export function describeRegistries(config: Config, cache: CacheReader, budgets: BudgetHistory): RegistryView[] {
  const hosts = new Map<string, { lastScanAt: string | null; lastError: RegistryView['lastError'] }>();
  for (const r of config.registries) hosts.set(r.host, { lastScanAt: null, lastError: null });
  for (const w of config.watches) if (!hosts.has(w.registry)) hosts.set(w.registry, { lastScanAt: null, lastError: null });
  const hostOf = new Map(config.watches.map((w) => [w.name, w.registry]));
  for (const entry of cache.entries()) {
    const row = hosts.get(hostOf.get(entry.watch) ?? '');
    if (!row) continue;
    if (entry.lastCheckedAt && (!row.lastScanAt || entry.lastCheckedAt > row.lastScanAt)) row.lastScanAt = entry.lastCheckedAt;
    const e = entry.lastError;
    if (e && (!row.lastError || e.at > row.lastError.at)) row.lastError = { code: e.code, message: e.message, at: e.at };
  }
  const budgetOf = new Map(config.registries.map((r) => [r.host, r.requestBudget]));
  return [...hosts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([host, row]) => {
      const limits = budgets.limits(host);
      return { host, ...row, budget: budgetOf.get(host) ?? 0, samples: budgets.samples(host), ...(limits && { limits }) };
    });
}
