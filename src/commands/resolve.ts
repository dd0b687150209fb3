// `argocd-image-plugins resolve`: resolve every watch now and explain each candidate tag. The first
// thing to run when "nothing updated". It uses the same scan code as the service, with an empty
// cache (or the service's persisted cache with --cache, to see what the service would do next).
import { parseArgs } from 'node:util';
import { configPathFrom, loadConfig } from '../config/load.ts';
import { createLogger } from '../shared/log.ts';
import { describeError, isAppError } from '../shared/errors.ts';
import { createResolutionCache } from '../cache/store.ts';
import { createMetadataStore } from '../cache/metadata.ts';
import { loadSnapshot } from '../cache/snapshot.ts';
import { renderReports } from '../poller/explain.ts';
import { scanAll } from './scan-all.ts';
import { createOperationsLog } from '../operations/log.ts';
import { operationHolds } from '../operations/holds.ts';
import { systemClock } from '../shared/clock.ts';

const USAGE = 'usage: argocd-image-plugins resolve [--config FILE] [--watch NAME] [--environment ENV] [--json] [--all] [--cache FILE]\n';

/** The holds in effect in the service's persisted operations log, as the poller applies them. */
function holdsFrom(records: readonly unknown[]): ReturnType<typeof operationHolds> {
  const log = createOperationsLog({ clock: systemClock });
  log.load(records);
  return operationHolds(log, systemClock);
}

export async function run(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, watch: { type: 'string', multiple: true }, environment: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' }, cache: { type: 'string' } },
    });
  } catch (err) {
    process.stderr.write(`resolve: ${describeError(err)}\n${USAGE}`);
    return 2;
  }
  const { values } = args;
  // Registry faults are shown in the table; retries and the like only with LOG_LEVEL=warn or lower.
  const logger = createLogger({ destination: 2, level: process.env.LOG_LEVEL ?? 'error' });
  try {
    const config = await loadConfig(configPathFrom(argv, process.env));
    const cache = createResolutionCache();
    const snapshot = values.cache ? await loadSnapshot(values.cache) : undefined;
    if (snapshot) cache.load(snapshot.entries);
    const metadata = createMetadataStore(snapshot?.metadata);
    const wanted = values.watch ? new Set(values.watch) : undefined;
    const unknown = [...(wanted ?? [])].filter((w) => !config.watches.some((x) => x.name === w));
    if (unknown.length > 0) {
      process.stderr.write(`resolve: no watch named ${unknown.join(', ')} (configured: ${config.watches.map((w) => w.name).join(', ')})\n`);
      return 2;
    }
    const operationHold = snapshot?.operations ? holdsFrom(snapshot.operations) : undefined;
    const reports = await scanAll(config, { logger, cache, metadata, ...(wanted && { watches: wanted }), ...(values.environment && { environment: values.environment }), ...(operationHold && { operationHold }) });
    process.stdout.write(values.json ? `${JSON.stringify({ reports }, null, 2)}\n` : `${renderReports(reports, { verbose: values.all ?? false })}\n`);
    return reports.some((r) => r.error || r.targets.some((t) => t.error)) ? 1 : 0;
  } catch (err) {
    process.stderr.write(`resolve: ${isAppError(err) ? `${err.code}: ` : ''}${describeError(err)}\n`);
    const issues = isAppError(err) ? err.details?.issues : undefined;
    if (Array.isArray(issues)) for (const i of issues as Array<{ path: string; message: string }>) process.stderr.write(`  ${i.path}: ${i.message}\n`);
    return 1;
  }
}
