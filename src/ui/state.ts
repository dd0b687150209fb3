// GET /ui/api/state, built once per state of the service: (config, cache revision, inventory
// revision, promotion and operations revisions, budget history). Times go out absolute and the page
// computes ages itself, so the clock alone never rebuilds the answer; the one exception is a
// resolution turning stale because no scan finished in time, and the answer knows when that is
// due. Twenty open pages polling every two seconds then cost a string comparison each and a 304.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { CacheReader } from '../cache/types.ts';
import type { ClusterSource } from '../clusters/types.ts';
import type { Config } from '../config/types.ts';
import type { Clock } from '../shared/clock.ts';
import { staleFrom } from '../cache/staleness.ts';
import { describeRegistries, type BudgetHistory } from './registries.ts';
import type { OperationsLogView } from './operations.ts';
import type { StateView } from './types.ts';
import { promotionInput, type PromotionReader } from './promotion.ts';
import { describeWatches } from './views.ts';

export interface StateDeps {
  readonly config: () => Config | undefined;
  readonly cache: CacheReader;
  readonly clusters: Pick<ClusterSource, 'inventory'>;
  readonly budgets: BudgetHistory;
  readonly clock: Clock;
  readonly promotion?: PromotionReader;
  readonly operations?: Pick<OperationsLogView, 'revision'>;
}

export interface StateAnswer {
  readonly body: string;
  readonly etag: string;
  /** The body gzip-coded, made on first ask and kept with the answer (200 watches: ~220 KiB → ~15 KiB). */
  gzipped(): Buffer;
}

function answerOf(body: string, etag: string): StateAnswer {
  let coded: Buffer | undefined;
  return { body, etag, gzipped: () => (coded ??= gzipSync(body)) };
}

/** The first moment after `now` at which a resolution of the cache turns stale without a new scan. */
function staleHorizon(cache: CacheReader, now: number, intervalSeconds: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const entry of cache.entries()) {
    const at = staleFrom(entry, intervalSeconds);
    if (at !== undefined && at > now && at < next) next = at;
  }
  return next;
}

export function createStateBook(deps: StateDeps): (config: Config) => StateAnswer {
  const configIds = new WeakMap<Config, number>();
  let nextId = 1;
  let last: { stamp: string; answer: StateAnswer; until: number } | undefined;
  return (config) => {
    let id = configIds.get(config);
    if (id === undefined) configIds.set(config, (id = nextId++));
    const now = deps.clock.now();
    const inventory = deps.clusters.inventory();
    const moved = `${deps.promotion?.revision() ?? 0}:${deps.operations?.revision ?? 0}`;
    const stamp = `${id}:${deps.cache.revision}:${inventory.revision}:${moved}:${deps.budgets.sequence}`;
    if (last?.stamp === stamp && now < last.until) return last.answer;
    const view: StateView = {
      generatedAt: new Date(now).toISOString(),
      watches: describeWatches(config, deps.cache, now, promotionInput(config, deps.promotion, inventory.clusters)),
      registries: describeRegistries(config, deps.cache, deps.budgets),
      clusters: { count: inventory.clusters.length, error: inventory.error?.message ?? null },
    };
    // The ETag covers the content without the generation time, so an unchanged state stays a 304.
    const { generatedAt: _, ...content } = view;
    const etag = `"${createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 22)}"`;
    last = { stamp, answer: answerOf(JSON.stringify(view), etag), until: staleHorizon(deps.cache, now, config.polling.intervalSeconds) };
    return last.answer;
  };
}
