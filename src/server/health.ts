// Liveness and readiness. /healthz answers while the process serves HTTP. /readyz means "can
// answer": 200 once the cache was restored or the first scan finished. An invalid or refused
// config, an unreadable token or credential file, an unreadable cluster inventory do not take the
// pod out of the Service: getparams answers each with a documented 503 that Argo CD shows in the
// ApplicationSet's conditions, which a connection error (no ready endpoint) would hide. /readyz's
// body still lists them, with the problems found at start.
import type { FastifyInstance } from 'fastify';
import type { ClusterSource } from '../clusters/types.ts';
import type { Config } from '../config/types.ts';
import type { PollerHandle } from '../poller/types.ts';

export interface HealthDeps {
  readonly config: () => Config | undefined;
  readonly configError: () => string | undefined;
  readonly poller: Pick<PollerHandle, 'isReady'>;
  readonly clusters: Pick<ClusterSource, 'inventory'>;
  /** Problems found in the config's files and variables (service/startup-checks.ts). */
  readonly problems?: () => readonly { readonly field: string; readonly message: string }[];
}

export function registerHealth(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const configError = deps.configError();
    const configOk = configError === undefined && deps.config() !== undefined;
    const ready = deps.poller.isReady();
    const inv = deps.clusters.inventory();
    return reply.code(ready ? 200 : 503).send({
      ready,
      config: configOk ? 'loaded' : (configError ?? 'not loaded'),
      cache: ready ? 'ready' : 'waiting for the first scan',
      clusters: { loaded: inv.loaded, count: inv.clusters.length, error: inv.error?.message ?? null },
      problems: deps.problems?.() ?? [],
    });
  });
}
