// GET /api/v1/images: every configured (watch, environment) with its current resolution and why
// (last scan summary, history, hold, error, staleness). The CMP's fallback reads `ref` from here;
// operators read the rest. Never-resolved entries answer null tag/digest/ref. `promotion` lists, per
// (watch, environment) that is promoted or rolled out in waves, what is served, pending and why.
import type { FastifyInstance } from 'fastify';
import type { CacheReader } from '../cache/types.ts';
import { DEFAULT_ENVIRONMENT } from '../cache/types.ts';
import type { Config } from '../config/types.ts';
import type { Clock } from '../shared/clock.ts';
import { isStale } from '../cache/staleness.ts';
import { describePolicy } from '../policy/describe.ts';
import type { PromotionSource } from '../promotion/types.ts';

export function describeImages(config: Config, cache: CacheReader, now: number): { revision: number; images: Record<string, unknown>[] } {
  const images: Record<string, unknown>[] = [];
  for (const watch of [...config.watches].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    for (const environment of [DEFAULT_ENVIRONMENT, ...Object.keys(watch.environments).sort()]) {
      const rule = environment === DEFAULT_ENVIRONMENT ? watch.rule : watch.environments[environment]!;
      const e = cache.get(watch.name, environment);
      const c = e?.current;
      images.push({
        watch: watch.name,
        environment,
        image: watch.image,
        tag: c?.tag ?? null,
        digest: c?.digest ?? null,
        ref: c?.ref ?? null,
        resolvedAt: c?.resolvedAt ?? null,
        lastCheckedAt: e?.lastCheckedAt ?? null,
        stale: isStale(e, now, config.polling.intervalSeconds),
        lastError: e?.lastError ?? null,
        held: e?.held ?? null,
        policy: describePolicy(rule.policy),
        pin: rule.pin,
        platforms: c?.platforms ?? [],
        created: c?.created ?? null,
        pushedAt: c?.pushedAt ?? null,
        verify: rule.verify !== undefined,
        signature: c?.signature ?? null,
        lastScan: e?.lastScan ?? null,
        history: (e?.history ?? []).map((h) => ({ tag: h.tag, digest: h.digest, ref: h.ref, resolvedAt: h.resolvedAt })),
      });
    }
  }
  return { revision: cache.revision, images };
}

export function registerImages(app: FastifyInstance, deps: { config: () => Config | undefined; cache: CacheReader; clock: Clock; unavailable: () => Error | undefined; promotion?: Pick<PromotionSource, 'status'> }): void {
  app.get('/api/v1/images', async () => {
    const problem = deps.unavailable();
    if (problem) throw problem;
    const described = describeImages(deps.config()!, deps.cache, deps.clock.now());
    // Per (watch, environment with a promotion or rollout): served, pending, wave and why it waits.
    return { ...described, promotion: deps.promotion?.status() ?? [] };
  });
}
