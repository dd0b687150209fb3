// Liveness and readiness. /healthz answers while the process serves HTTP. /readyz answers 200
// once the config is loaded (and valid) and the cache was restored or the first scan finished;
// it also shows the cluster inventory state, which does not gate readiness (getparams answers
// its own 503 while the inventory is unreadable).
import type { FastifyInstance } from 'fastify';
import type { ClusterSource } from '../clusters/types.ts';
import type { Config } from '../config/types.ts';
import type { PollerHandle } from '../poller/types.ts';

export interface HealthDeps {
  readonly config: () => Config | undefined;
  readonly configError: () => string | undefined;
  readonly poller: Pick<PollerHandle, 'isReady'>;
  readonly clusters: Pick<ClusterSource, 'inventory'>;
}

export function registerHealth(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const configError = deps.configError();
    const configOk = configError === undefined && deps.config() !== undefined;
    const cacheOk = deps.poller.isReady();
    const inv = deps.clusters.inventory();
    const ready = configOk && cacheOk;
    return reply.code(ready ? 200 : 503).send({
      ready,
      config: configOk ? 'loaded' : (configError ?? 'not loaded'),
      cache: cacheOk ? 'ready' : 'waiting for the first scan',
      clusters: { loaded: inv.loaded, count: inv.clusters.length, error: inv.error?.message ?? null },
    });
  });
}
