// GET /api/v1/registries: per configured registry, where it stands against its rate limits (the
// registry's own headers, the entry's and its credentials' windows, the poll cycle's budget), the
// 429s it answered and whether requests now wait and until when. Read with the same Bearer token as
// /api/v1/images; it names hosts and counts, never a credential. Each replica answers for its own
// clients: under `serve --ha` the leader is the one that polls.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/types.ts';
import { describeRegistryLimits } from '../registry/limits-view.ts';
import type { RegistryStats } from '../registry/types.ts';
import type { Clock } from '../shared/clock.ts';

export function registerRegistries(app: FastifyInstance, deps: { config: () => Config | undefined; stats?: () => ReadonlyMap<string, RegistryStats>; clock: Clock; unavailable: () => Error | undefined }): void {
  app.get('/api/v1/registries', async () => {
    const problem = deps.unavailable();
    if (problem) throw problem;
    const now = deps.clock.now();
    return { generatedAt: new Date(now).toISOString(), registries: describeRegistryLimits(deps.config()!, deps.stats?.() ?? new Map(), now) };
  });
}
