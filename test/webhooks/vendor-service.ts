// A real service in front of the real Distribution registry, for push events in a vendor's format:
// the config names a registry by the vendor's host (an ECR, ACR, GAR or Quay host) whose `url` is
// the loopback registry, so a vendor event naming that host and repository re-scans the real
// registry through the real poller, and getparams shows the tag it finds. Used by the per-vendor
// end-to-end tests; the vendors' own senders cannot run here, so the test sends what they send.
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createClusterSource } from '../../src/clusters/source.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { createPoller, type Poller } from '../../src/poller/poller.ts';
import { buildService, type App } from '../../src/server/app.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { controllerRequest, mustParse, silentLogger, TOKEN, WEBHOOK_SECRET } from '../generator/fixture.ts';
import { send, type WireResponse } from '../generator/socket.ts';
import { pushImage, type PushedImage } from '../helpers/images.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { until } from '../helpers/until.ts';

export interface VendorService {
  readonly app: App;
  readonly registry: TestRegistry;
  readonly poller: Pick<Poller, 'rescan'>;
  /** Pushes `acme/web:<tag>` to the real registry. */
  push(tag: string): Promise<PushedImage>;
  /** The tag getparams answers for the watch now. */
  tagNow(): Promise<string>;
  /** Posts a push event to `/api/v1/webhooks/<path>`. */
  post(path: string, headers: Record<string, string>, body: string): Promise<WireResponse>;
  /** Waits (with a deadline) until getparams answers `tag`. */
  until(tag: string, limitMs?: number): Promise<void>;
  metrics(): Promise<string>;
  /** Waits (with a deadline) until the metrics text matches. */
  untilMetric(pattern: RegExp, limitMs?: number): Promise<string>;
}

/** `host` is the vendor's registry host the events name; the watch is `<host>/acme/web`. */
export async function startVendorService(t: TestContext, host: string): Promise<VendorService> {
  const dir = mkdtempSync(join(tmpdir(), 'aip-vendor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'token'), TOKEN);
  writeFileSync(join(dir, 'webhook-secret'), WEBHOOK_SECRET);
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const logger = silentLogger();
  const cache = createResolutionCache();
  // requestsPerSecond 100: the default pacing (10/s) alone adds ~300 ms to a three-request re-scan.
  const config = mustParse({
    server: { tokenFile: join(dir, 'token'), webhooks: { secretFile: join(dir, 'webhook-secret') } },
    registries: [{ host, url: registry.url, insecure: true, requestsPerSecond: 100 }],
    watches: [{ name: 'web', image: `${host}/acme/web`, policy: { semver: { range: '>=1.0.0' } } }],
    clusters: { static: [{ name: 'prod', server: 'https://prod:6443', labels: { environment: 'prod' } }] },
  });
  const pool = createClientPool(config, { logger, clock: systemClock });
  const poller = createPoller({ config, clientFor: (h) => pool.clientFor(h), cache, metadata: createMetadataStore(), clock: systemClock, logger });
  const clusters = createClusterSource({ config: () => config.clusters, logger, clock: systemClock });
  const app = await buildService({ logger, config: () => config, configError: () => undefined, cache, clusters, clock: systemClock, poller });
  t.after(async () => {
    await app.app.close();
    await poller.stop();
    await pool.close();
  });
  const push = (tag: string): Promise<PushedImage> => pushImage(registry, 'acme/web', tag, { created: `2026-01-0${tag.length % 9}T00:00:00Z`, label: tag });
  await push('1.0.0');
  await poller.scanAll();
  const tagNow = async (): Promise<string> => {
    const res = await send(app.app, controllerRequest('web', { images: ['web'] }));
    assert.equal(res.status, 200, res.text);
    return (res.json() as { output: { parameters: { images: { web: { tag: string } } }[] } }).output.parameters[0]!.images.web.tag;
  };
  return {
    app, registry, poller, push, tagNow,
    post: (path, headers, body) => send(app.app, { method: 'POST', url: `/api/v1/webhooks/${path}`, headers: { 'content-type': 'application/json', ...headers }, payload: body }),
    async until(tag, limitMs) {
      await until(async () => (await tagNow()) === tag, { what: `getparams to answer ${tag}`, everyMs: 5, ...(limitMs !== undefined && { deadlineMs: limitMs }) });
    },
    metrics: () => app.metrics.registry.metrics(),
    async untilMetric(pattern, limitMs) {
      return until(async () => {
        const text = await app.metrics.registry.metrics();
        return pattern.test(text) ? text : undefined;
      }, { what: `the metrics to match ${pattern}`, everyMs: 5, ...(limitMs !== undefined && { deadlineMs: limitMs }) });
    },
  };
}
