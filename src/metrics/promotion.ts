// Metrics of moves that wait: pending (a newer reference waiting at a gate, a wave's pause or an
// approval), blocked (a gate refuses it) and held (a hold, from the config or an operation, decides
// what is served), plus the operations in effect. Read from their sources at scrape time.
import { Gauge, type Registry } from 'prom-client';
import type { CacheReader } from '../cache/types.ts';
import type { Clock } from '../shared/clock.ts';
import type { OperationsReader } from '../operations/types.ts';

/** One (watch, environment) as the promotion engine reports it; `state` is its StatusState. */
export interface PromotionState {
  readonly watch: string;
  readonly environment: string;
  readonly state: string;
}

export interface PromotionMetricsSources {
  readonly cache: CacheReader;
  readonly clock: Clock;
  readonly operations?: OperationsReader;
  /** The promotion engine's latest status (absent: no environment is gated). */
  readonly promotion?: () => readonly PromotionState[];
}

const PENDING = new Set(['rolling', 'waiting', 'awaiting-approval']);

export function promotionGauges(registry: Registry, prefix: string, s: PromotionMetricsSources): void {
  new Gauge({
    name: `${prefix}promotion_moves`, help: 'Watch environments whose next move is pending (at a gate, a pause or an approval), blocked by a gate, or held.', labelNames: ['state'], registers: [registry],
    collect() {
      const states = s.promotion?.() ?? [];
      this.set({ state: 'pending' }, states.filter((p) => PENDING.has(p.state)).length);
      this.set({ state: 'blocked' }, states.filter((p) => p.state === 'blocked').length);
      this.set({ state: 'held' }, s.cache.entries().filter((e) => e.held !== undefined).length);
    },
  });
  new Gauge({
    name: `${prefix}promotion_state`, help: 'Per watch and environment, 1 in its current promotion state when it is not idle (pending, blocked, held, stale…).', labelNames: ['watch', 'environment', 'state'], registers: [registry],
    collect() {
      this.reset();
      for (const p of s.promotion?.() ?? []) if (p.state !== 'idle') this.set({ watch: p.watch, environment: p.environment, state: p.state }, 1);
    },
  });
  new Gauge({
    name: `${prefix}operations_in_effect`, help: 'Operations in effect by kind (holds not released or lapsed, approvals and promotions not lapsed).', labelNames: ['kind'], registers: [registry],
    collect() {
      const active = s.operations?.active(new Date(s.clock.now())) ?? [];
      for (const kind of ['hold', 'approve', 'promote'] as const) this.set({ kind }, active.filter((r) => r.kind === kind).length);
    },
  });
}
