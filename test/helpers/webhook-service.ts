// One in-process service with the real poller watching `<registry>/acme/web` (semver >=1.0.0) on a
// real Distribution registry whose push notifications go to the service's webhook: the service
// listens first (the registry's notification endpoint needs its address), then the registry starts,
// 1.0.0 is pushed and scanned, and the poller runs, as in `serve`: a push event that arrives while a
// scan of its repository is in flight is scanned again right after it (a stopped poller's queue does
// not re-run it, and the push would wait for the next interval). For the tests that follow a push
// through to what the service serves (test/webhooks/e2e.test.ts, test/ui/state-polls.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createClusterSource } from '../../src/clusters/source.ts';
import type { Config } from '../../src/config/types.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { createPoller, type Poller } from '../../src/poller/poller.ts';
import { buildService, type App, type AppDeps } from '../../src/server/app.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { capturingLogger, mustParse, TOKEN, WEBHOOK_SECRET } from '../generator/fixture.ts';
import { listenOnce } from '../generator/socket.ts';
import { pushImage } from './images.ts';
import { startRegistry, type TestRegistry } from './registry.ts';

export interface WebhookServiceOptions {
  /** Service dependencies that differ from the defaults (a moved clock, a Kubernetes client, refresh). */
  readonly deps?: Partial<Pick<AppDeps, 'clock' | 'kube' | 'refresh'>>;
  /** Files written into the service's folder before the config is read, by name. */
  readonly files?: Readonly<Record<string, string>>;
  /** Keys added to the config's `server` section, given the service's folder. */
  readonly server?: (dir: string) => Readonly<Record<string, unknown>>;
  /** polling.intervalSeconds (default: the product's). */
  readonly intervalSeconds?: number;
}

export interface WebhookService {
  readonly svc: App;
  readonly registry: TestRegistry;
  /** The poller keeps the real clock whatever clock the service has. */
  readonly poller: Poller;
  /** The service's last log records and the registry's log tail, for a test's timeout message. */
  diagnostics(): string;
}

export async function startWebhookService(t: Pick<TestContext, 'after'>, options: WebhookServiceOptions = {}): Promise<WebhookService> {
  const dir = mkdtempSync(join(tmpdir(), 'aip-webhook-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries({ token: TOKEN, 'webhook-secret': WEBHOOK_SECRET, ...options.files })) writeFileSync(join(dir, name), text);
  const records: Record<string, unknown>[] = [];
  const logger = capturingLogger(records);
  const live: { config?: Config; poller?: Poller } = {};
  const cache = createResolutionCache();
  const clock = options.deps?.clock ?? systemClock;
  const clusters = createClusterSource({ config: () => live.config?.clusters, logger, clock });
  const svc = await buildService({
    logger, config: () => live.config, configError: () => undefined, cache, clusters, clock, ...options.deps,
    poller: { isReady: () => live.poller?.isReady() ?? false, rescan: (image, reason, named) => live.poller!.rescan(image, reason, named) },
  });
  t.after(() => svc.app.close());
  const base = await listenOnce(svc.app);
  const registry = await startRegistry({ notifications: { url: `${base}/api/v1/webhooks/distribution`, headers: { Authorization: [`Bearer ${WEBHOOK_SECRET}`] } } });
  t.after(() => registry.stop());
  await pushImage(registry, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'one' });
  // requestsPerSecond 100: the default pacing (10/s) alone adds ~300 ms to a three-request re-scan.
  const config = mustParse({
    server: { tokenFile: join(dir, 'token'), webhooks: { secretFile: join(dir, 'webhook-secret') }, ...options.server?.(dir) },
    ...(options.intervalSeconds !== undefined && { polling: { intervalSeconds: options.intervalSeconds } }),
    registries: [{ host: registry.host, url: registry.url, insecure: true, requestsPerSecond: 100 }],
    watches: [{ name: 'web', image: `${registry.host}/acme/web`, policy: { semver: { range: '>=1.0.0' } } }],
    clusters: { static: [{ name: 'prod', server: 'https://prod:6443', labels: { environment: 'prod' } }] },
  });
  const pool = createClientPool(config, { logger, clock: systemClock });
  const poller = createPoller({ config, clientFor: (h) => pool.clientFor(h), cache, metadata: createMetadataStore(), clock: systemClock, logger });
  live.config = config;
  live.poller = poller;
  t.after(async () => {
    await poller.stop();
    await pool.close();
  });
  await poller.scanAll();
  poller.start();
  const diagnostics = (): string => {
    const service = records.slice(-25).map((r) => `  ${JSON.stringify(r)}`).join('\n');
    return `service log (last 25):\n${service}\nregistry log (tail):\n${registry.log().slice(-3000)}`;
  };
  return { svc, registry, poller, diagnostics };
}
