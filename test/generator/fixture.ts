// Builds the service the way serve.ts does, from real parts: a parsed config, the real
// resolution cache, a real cluster source, and buildService. Only the poller is a stand-in in
// the route tests (a recorder of re-scan requests); the end-to-end test uses the real one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { createResolutionCache, type ResolutionCache } from '../../src/cache/store.ts';
import { createClusterSource } from '../../src/clusters/source.ts';
import type { ClusterSource } from '../../src/clusters/types.ts';
import { parseConfig } from '../../src/config/parse.ts';
import type { Config } from '../../src/config/types.ts';
import type { KubeClient } from '../../src/kube/types.ts';
import type { PollerHandle, RescanResult } from '../../src/poller/types.ts';
import { buildService, type App } from '../../src/server/app.ts';
import { manualClock, type Clock } from '../../src/shared/clock.ts';
import { createOperationsLog } from '../../src/operations/log.ts';
import { createOperations, type Operations } from '../../src/operations/service.ts';
import type { OperationRecord } from '../../src/operations/types.ts';
import { createLogger, type Logger } from '../../src/shared/log.ts';
import type { UsageBook } from '../../src/poller/usage.ts';

export const TOKEN = 'test-token-5f2c9e1a';
export const WEBHOOK_SECRET = 'webhook-secret-77a1';
export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

export interface Fixture extends App {
  readonly config: Config;
  readonly cache: ResolutionCache;
  readonly clusters: ClusterSource;
  readonly clock: ReturnType<typeof manualClock>;
  readonly dir: string;
  readonly tokenFile: string;
  readonly rescans: string[];
  readonly logs: Record<string, unknown>[];
  readonly operations?: Operations;
  setConfig(next: Config | undefined, error?: string): void;
}

export function capturingLogger(records: Record<string, unknown>[]): Logger {
  return createLogger({ level: 'debug', destination: new Writable({ write(chunk, _e, cb) { for (const line of String(chunk).split('\n')) if (line) records.push(JSON.parse(line)); cb(); } }) });
}

export function silentLogger(): Logger {
  return createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
}

/** The config text (as a YAML-shaped object) most tests start from; `dir` holds the secret files. */
export function baseConfig(dir: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    server: { tokenFile: join(dir, 'token'), webhooks: { secretFile: join(dir, 'webhook-secret') } },
    registries: [{ host: 'registry.test:5000', url: 'http://127.0.0.1:5999', insecure: true }],
    watches: [
      { name: 'web', image: 'registry.test:5000/acme/web', policy: { semver: { range: '>=1.0.0' } }, environments: { staging: { policy: { semver: { range: '>=1.0.0-0' } } } } },
      { name: 'api', image: 'registry.test:5000/acme/api', policy: { semver: { range: '>=1.0.0' } }, allowedApplicationSets: ['payments-*'] },
    ],
    clusters: {
      platformsAnnotation: 'argocd-image-plugins/platforms',
      static: [
        { name: 'prod-eu_1', server: 'https://prod-eu:6443', labels: { environment: 'prod', region: 'eu' }, annotations: { 'argocd-image-plugins/platforms': 'linux/amd64' } },
        { name: 'staging', server: 'https://staging:6443', project: 'team-a', labels: { environment: 'staging', region: 'us' } },
      ],
    },
    ...extra,
  };
}

function inMemoryOperations(config: () => Config | undefined, cache: ResolutionCache, clock: Clock, logger: Logger): Operations {
  const log = createOperationsLog({ clock });
  const durable = async (r: OperationRecord): Promise<boolean> => {
    log.stage(r);
    log.checkpoint().commit();
    return true;
  };
  return createOperations({ log, config, cache, clock, logger, durable });
}

export function mustParse(input: unknown): Config {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(`test config invalid: ${JSON.stringify(r.issues)}`);
  return r.config;
}

export function resolution(tag: string, platforms: string[] = ['linux/amd64', 'linux/arm64'], image = 'registry.test:5000/acme/web'): { tag: string; digest: string; ref: string; platforms: string[]; resolvedAt: string } {
  const digest = `sha256:${Buffer.from(tag).toString('hex').padEnd(64, '0').slice(0, 64)}`;
  return { tag, digest, ref: `${image}:${tag}@${digest}`, platforms, resolvedAt: new Date(T0).toISOString() };
}

export function record(cache: ResolutionCache, watch: string, environment: string, image: string, tag: string, platforms?: string[]): void {
  cache.record(watch, environment, image, { kind: 'resolved', resolution: resolution(tag, platforms, image), summary: { tags: 3, candidates: 2, complete: true }, at: new Date(T0).toISOString() });
}

export interface FixtureOptions {
  readonly config?: (dir: string) => Record<string, unknown>;
  readonly kube?: KubeClient;
  readonly poller?: Pick<PollerHandle, 'rescan' | 'isReady'>;
  readonly clusterSource?: (config: () => Config | undefined) => ClusterSource;
  readonly fill?: boolean;
  /** Adds the operations API, its records made durable in memory at once (a real persisted log is tested through `serve`). */
  readonly operations?: boolean;
  /** Told which watches each getparams request selects. */
  readonly usage?: UsageBook;
}

export async function startFixture(t: TestContext, options: FixtureOptions = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'aip-gen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  writeFileSync(join(dir, 'webhook-secret'), WEBHOOK_SECRET);
  let config: Config | undefined = mustParse((options.config ?? baseConfig)(dir));
  let configError: string | undefined;
  const cache = createResolutionCache();
  if (options.fill !== false) {
    record(cache, 'web', 'default', 'registry.test:5000/acme/web', '1.2.0');
    record(cache, 'web', 'staging', 'registry.test:5000/acme/web', '1.3.0-rc.1');
    record(cache, 'api', 'default', 'registry.test:5000/acme/api', '2.0.0');
  }
  const clock = manualClock(T0);
  const logs: Record<string, unknown>[] = [];
  const logger = capturingLogger(logs);
  const clusters = options.clusterSource ? options.clusterSource(() => config) : createClusterSource({ config: () => config?.clusters, logger, clock });
  const rescans: string[] = [];
  const poller = options.poller ?? {
    isReady: () => true,
    rescan: async (image: string, reason: string): Promise<RescanResult> => {
      rescans.push(`${image} ${reason}`);
      return { image, changed: [] };
    },
  };
  const operations = options.operations ? inMemoryOperations(() => config, cache, clock, logger) : undefined;
  const service = await buildService({
    logger, config: () => config, configError: () => configError, cache, poller, clusters, clock,
    ...(options.kube && { kube: options.kube, refresh: { debounceMs: 5 } }),
    ...(operations && { operations }),
    ...(options.usage && { usage: options.usage }),
  });
  t.after(() => service.app.close());
  return {
    ...service, config: config!, cache, clusters, clock, dir, tokenFile, rescans, logs, ...(operations && { operations }),
    setConfig(next, error) {
      config = next;
      configError = error;
    },
  };
}

/** A getparams request exactly as the ApplicationSet controller builds it (A.5). */
export function controllerRequest(applicationSetName: string, parameters?: Record<string, unknown>, token: string | null = TOKEN): { method: 'POST'; url: string; headers: Record<string, string>; payload: string } {
  const sorted = parameters && Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    method: 'POST',
    url: '/api/v1/getparams.execute',
    headers: { 'content-type': 'application/json', 'user-agent': 'argocd-applicationset', 'accept-encoding': 'gzip', ...(token !== null && { authorization: `Bearer ${token}` }) },
    payload: `${JSON.stringify({ applicationSetName, input: sorted ? { parameters: sorted } : {} })}\n`,
  };
}
