// `argocd-image-plugins serve`: the generator service with its poller, cache and cluster inventory
// in one process. Loads and follows the config file, restores the persisted cache, starts the
// poller, listens, and on SIGTERM/SIGINT stops taking requests, aborts scans and writes the cache.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { configPathFrom } from '../config/load.ts';
import { watchConfig } from '../config/watch.ts';
import { parseListen } from '../config/parse-server.ts';
import { formatIssue } from '../config/parse.ts';
import { createLogger, type Logger } from '../shared/log.ts';
import { systemClock } from '../shared/clock.ts';
import { describeError, isAppError } from '../shared/errors.ts';
import { createResolutionCache } from '../cache/store.ts';
import { createMetadataStore } from '../cache/metadata.ts';
import { createClientPool } from '../poller/clients.ts';
import { createPoller } from '../poller/poller.ts';
import { createClusterSource } from '../clusters/source.ts';
import { createKubeClient } from '../kube/client.ts';
import { resolveConnection } from '../kube/connection.ts';
import type { KubeClient } from '../kube/types.ts';
import type { Config } from '../config/types.ts';
import { buildApp } from '../server/app.ts';
import { createPersister } from '../service/persist.ts';
import { restoreSnapshot } from '../service/restore.ts';
import { tuneHeapForService } from '../service/heap.ts';

const USAGE = 'usage: argocd-image-plugins serve [--config FILE] [--listen HOST:PORT]\n';

/** A Kubernetes client when the config reads cluster Secrets or refreshes ApplicationSets and one can be had. */
function kubeFor(config: Config, logger: Logger): KubeClient | undefined {
  const wanted = config.clusters.argocd !== undefined || config.server.refreshApplicationSets;
  if (!wanted) return undefined;
  try {
    const kubeconfig = config.clusters.argocd?.kubeconfig;
    return createKubeClient(resolveConnection(kubeconfig ? { kubeconfig } : {}));
  } catch (err) {
    if (config.clusters.argocd) throw err;
    logger.warn({ err: { message: describeError(err) } }, 'no Kubernetes API access; ApplicationSets will not be refreshed on changes');
    return undefined;
  }
}

export async function run(argv: readonly string[]): Promise<number> {
  tuneHeapForService();
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { config: { type: 'string' }, listen: { type: 'string' } } }));
  } catch (err) {
    process.stderr.write(`serve: ${describeError(err)}\n${USAGE}`);
    return 2;
  }
  const logger = createLogger();
  const clock = systemClock;
  let configError: string | undefined;
  try {
    const path = configPathFrom(argv, process.env);
    const listenOverride = values.listen === undefined ? undefined : parseListen(values.listen);
    if (values.listen !== undefined && !listenOverride) throw new Error(`--listen "${values.listen}" is not HOST:PORT`);
    // The watcher starts before the pool and poller exist; its callbacks reach them through here.
    const live: { pool?: ReturnType<typeof createClientPool>; poller?: ReturnType<typeof createPoller> } = {};
    const watcher = await watchConfig(path, {
      logger,
      onChange(next) {
        configError = undefined;
        live.pool?.update(next);
        live.poller?.updateConfig(next);
        logger.info({ path, watches: next.watches.length }, 'config reloaded');
      },
      onRestored() {
        configError = undefined;
      },
      onInvalid(err, issues) {
        configError = issues.length > 0 ? issues.map(formatIssue).join('; ') : err.message;
        logger.error({ path, issues }, 'config change refused; the running config stays in force');
      },
    });
    const config = watcher.current();
    const snapshot = await restoreSnapshot(config.cache.path, logger, clock.now());
    // Resolutions are served only once the snapshot holding them is on disk (see persist.ts).
    const cache = createResolutionCache({ autoCommit: false });
    if (snapshot) cache.load(snapshot.entries);
    const metadata = createMetadataStore(snapshot?.metadata);
    const clientPool = createClientPool(config, { logger, clock });
    live.pool = clientPool;
    const persister = createPersister({
      path: () => watcher.current().cache.path,
      snapshot: () => {
        const checkpoint = cache.checkpoint();
        return { data: { entries: checkpoint.entries, metadata: metadata.toJSON(), scans: live.poller?.scanTimes() ?? {} }, written: checkpoint.commit };
      },
      now: () => clock.now(),
      logger,
    });
    const poller = createPoller({ config, clientFor: (h) => clientPool.clientFor(h), cache, metadata, clock, logger, ...(snapshot && { restoredScans: snapshot.scans }), onScan: (report) => (report.targets.some((t) => t.moved) ? void persister.flush() : persister.soon()) });
    live.poller = poller;
    const kube = kubeFor(config, logger);
    const clusters = createClusterSource({ config: () => watcher.current().clusters, ...(kube && { kube }), logger, clock });
    const app = await buildApp({
      logger,
      config: () => watcher.current(),
      configError: () => configError,
      cache,
      poller,
      clusters,
      ...(kube && { kube }),
      clock,
      registryStats: () => new Map(clientPool.clients().map((c) => [c.host, c.stats()])),
      refresh: { namespaces: [config.clusters.argocd?.namespace ?? 'argocd'] },
    });
    clusters.start();
    poller.start();
    const listen = listenOverride ?? { host: config.server.host, port: config.server.port };
    const address = await app.listen({ host: listen.host, port: listen.port });
    logger.info({ url: address, watches: config.watches.length, clusters: clusters.inventory().clusters.length }, 'listening');

    const signal = await Promise.race([once(process, 'SIGTERM').then(() => 'SIGTERM'), once(process, 'SIGINT').then(() => 'SIGINT')]);
    logger.info({ signal }, 'shutting down');
    await app.close();
    await poller.stop();
    clusters.stop();
    watcher.close();
    await persister.flush();
    await clientPool.close();
    logger.info('stopped');
    return 0;
  } catch (err) {
    const issues = isAppError(err) && Array.isArray(err.details?.issues) ? (err.details.issues as Array<{ path: string; message: string }>) : [];
    logger.fatal({ err: { code: isAppError(err) ? err.code : undefined, message: describeError(err) }, issues }, 'cannot start');
    process.stderr.write(`serve: ${describeError(err)}\n${issues.map((i) => `  ${i.path}: ${i.message}\n`).join('')}`);
    return 1;
  }
}
