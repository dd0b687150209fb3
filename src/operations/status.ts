// `status` per watch and environment: what is served, the hold in effect (an operation's or the
// config's), what the promotion engine says is pending or blocked, the approvals and promotions in
// effect, and the latest log records. Pure.
import { DEFAULT_ENVIRONMENT, type Config } from '../config/types.ts';
import type { CacheReader } from '../cache/types.ts';
import { holdInEffect } from './effect.ts';
import type { OperationRecord, OperationsReader, PromotionStatusReader } from './types.ts';

/** Log records shown per watch and environment (the whole log is GET /api/v1/operations/log). */
export const STATUS_LOG_RECORDS = 20;

export interface StatusQuery {
  readonly watch?: string;
  readonly environment?: string;
}

function heldNow(config: Config, watch: string, environment: string, active: readonly OperationRecord[], now: number): Record<string, unknown> | null {
  const op = holdInEffect(active, watch, environment);
  if (op) return { tag: op.tag ?? null, reason: op.reason, by: op.by, at: op.at, until: op.until ?? null, source: 'operation' };
  const hold = config.watches.find((w) => w.name === watch)?.holds[environment];
  if (hold !== undefined && (hold.until === undefined || Date.parse(hold.until) > now)) return { tag: hold.tag, reason: hold.reason, by: null, at: null, until: hold.until ?? null, source: 'config' };
  return null;
}

export function describeStatus(deps: { config: Config; cache: CacheReader; operations: OperationsReader; promotion?: PromotionStatusReader; now: number }, query: StatusQuery): Record<string, unknown>[] {
  const { config, cache, operations, now } = deps;
  const active = operations.active(new Date(now));
  const log = operations.log();
  const out: Record<string, unknown>[] = [];
  for (const watch of [...config.watches].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (query.watch !== undefined && watch.name !== query.watch) continue;
    // The watch's own environments, then those that exist only under `environments:` (promotion, rollout).
    const own = [DEFAULT_ENVIRONMENT, ...Object.keys(watch.environments).sort()];
    for (const environment of [...own, ...Object.keys(config.environments).filter((e) => !own.includes(e)).sort()]) {
      if (query.environment !== undefined && environment !== query.environment) continue;
      const here = (r: OperationRecord): boolean => r.watch === watch.name && r.environment === environment;
      const current = cache.get(watch.name, Object.hasOwn(watch.environments, environment) ? environment : DEFAULT_ENVIRONMENT)?.current;
      const view = deps.promotion?.view(watch.name, environment);
      out.push({
        watch: watch.name,
        environment,
        image: watch.image,
        served: current ? { tag: current.tag, ref: current.ref, resolvedAt: current.resolvedAt } : null,
        held: heldNow(config, watch.name, environment, active, now),
        pending: view?.pending ?? null,
        blocked: view?.blocked ?? null,
        promotion: view?.status ?? null,
        approvals: active.filter((r) => here(r) && r.kind === 'approve'),
        promotions: active.filter((r) => here(r) && r.kind === 'promote'),
        log: log.filter(here).slice(-STATUS_LOG_RECORDS),
      });
    }
  }
  return out;
}
