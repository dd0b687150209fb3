// Shared set-up for the poller benchmarks: a parsed config, a client pool and one full cycle.
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/config/parse.ts';
import type { Config } from '../../src/config/types.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { planRepositories } from '../../src/poller/plan.ts';
import { scanRepository } from '../../src/poller/scan.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';

export const silent = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

export function benchConfig(host: string, url: string, watches: unknown[]): Config {
  const r = parseConfig({ registries: [{ host, url, insecure: true, requestBudget: 1_000_000, requestsPerSecond: 1000, maxConcurrency: 16 }], watches });
  if (!r.ok) throw new Error(JSON.stringify(r.issues.slice(0, 5)));
  return r.config;
}

export function pollerHarness(config: Config) {
  const cache = createResolutionCache();
  const metadata = createMetadataStore();
  const pool = createClientPool(config, { logger: silent, clock: systemClock });
  const plans = planRepositories(config);
  return {
    cache,
    pool,
    plans,
    async cycle(): Promise<number> {
      const t0 = performance.now();
      await Promise.all(plans.map((plan) => scanRepository({ client: pool.clientFor(plan.registry), cache, metadata, clock: systemClock, logger: silent }, plan)));
      return performance.now() - t0;
    },
  };
}

export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
