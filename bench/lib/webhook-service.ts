// One in-process service (real poller, real registry client) watching `<host>/acme/web` on a real
// Distribution registry, for bench/webhook.ts. The service listens first, so the registry can be
// started with its notifications pointed at it; `host` may be a vendor's host (an ECR host) while
// `url` is the loopback registry.
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createClusterSource } from '../../src/clusters/source.ts';
import type { Config } from '../../src/config/types.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { createPoller, type Poller } from '../../src/poller/poller.ts';
import { buildService, type App } from '../../src/server/app.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { controllerRequest, mustParse, silentLogger } from '../../test/generator/fixture.ts';
import { listenOnce, send } from '../../test/generator/socket.ts';
import type { TestRegistry } from '../../test/helpers/registry.ts';

export interface BenchService {
  readonly base: string;
  readonly app: App;
  /** Points the service at the registry (after the registry started) and runs the first scan. */
  attach(registry: TestRegistry, host: string): Promise<void>;
  tagNow(): Promise<string | undefined>;
  close(): Promise<void>;
}

export async function startBenchService(files: { token: string; webhookSecret: string }): Promise<BenchService> {
  const logger = process.env.BENCH_LOG ? createLogger({ destination: 2, level: 'debug' }) : silentLogger();
  const cache = createResolutionCache();
  const live: { config?: Config; poller?: Poller; close?: () => Promise<void> } = {};
  const clusters = createClusterSource({ config: () => live.config?.clusters, logger, clock: systemClock });
  const app = await buildService({
    logger, config: () => live.config, configError: () => undefined, cache, clusters, clock: systemClock,
    poller: { isReady: () => live.poller?.isReady() ?? false, rescan: (image, reason, options) => live.poller!.rescan(image, reason, options) },
  });
  const base = await listenOnce(app.app);
  return {
    base, app,
    async attach(registry, host) {
      const config = mustParse({
        server: { tokenFile: files.token, webhooks: { secretFile: files.webhookSecret } },
        registries: [{ host, url: registry.url, insecure: true, requestsPerSecond: 1000, requestBudget: 100000 }],
        watches: [{ name: 'web', image: `${host}/acme/web`, policy: { semver: { range: '>=1.0.0' } } }],
        clusters: { static: [{ name: 'prod', server: 'https://prod:6443', labels: { environment: 'prod' } }] },
      });
      const pool = createClientPool(config, { logger, clock: systemClock });
      const poller = createPoller({ config, clientFor: (h) => pool.clientFor(h), cache, metadata: createMetadataStore(), clock: systemClock, logger });
      Object.assign(live, { config, poller, close: async () => { await poller.stop(); await pool.close(); } });
      await poller.scanAll();
      // Running, as in `serve`: an event arriving while a scan of its repository is in flight is
      // then scanned again right after (a stopped queue does not re-run it).
      poller.start();
    },
    async tagNow() {
      const res = await send(app.app, controllerRequest('web', { images: ['web'] }));
      if (res.status !== 200) return undefined;
      return (res.json() as { output: { parameters: { images: { web: { tag: string } } }[] } }).output.parameters[0]?.images.web.tag;
    },
    async close() {
      await app.app.close();
      await live.close?.();
    },
  };
}
