// `argocd-image-plugins resolve`: resolve every watch now and explain each candidate tag. The first
// thing to run when "nothing updated". It uses the same scan code as the service, with an empty
// cache (or the service's persisted cache with --cache, to see what the service would do next).
// Then what promotion decides per watch and environment (and wave): live from the service with
// --server, as last saved with --cache, or the config's view only (resolve/promotion-source.ts).
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
import type { Config } from '../config/types.ts';
import type { ScanReport } from '../poller/scan.ts';
import type { Snapshot } from '../cache/snapshot.ts';
import { fromService, fromSnapshot, offlineRows, type PromotionQuery } from './resolve/promotion-source.ts';
import { renderPromotion } from './resolve/promotion-format.ts';
import type { PromotionExplanation } from './resolve/promotion-rows.ts';

const USAGE = 'usage: argocd-image-plugins resolve [--config FILE] [--watch NAME] [--environment ENV] [--json] [--all] [--cache FILE] [--server URL [--token-file FILE]]\n';

interface Sources {
  readonly server?: string;
  readonly tokenFile?: string;
  readonly cacheFile?: string;
  readonly snapshot?: Snapshot;
}

/** What promotion decides, from the first source given; undefined when there is nothing to say. */
async function explainPromotion(q: PromotionQuery, sources: Sources): Promise<PromotionExplanation | undefined> {
  if (sources.server !== undefined) return fromService(q, sources.server, sources.tokenFile, process.env);
  if (sources.cacheFile !== undefined) return fromSnapshot(q, sources.cacheFile, sources.snapshot);
  const rows = offlineRows(q);
  return rows.length > 0 ? { source: 'none', rows } : undefined;
}

/** The holds in effect in the service's persisted operations log, as the poller applies them. */
function holdsFrom(records: readonly unknown[]): ReturnType<typeof operationHolds> {
  const log = createOperationsLog({ clock: systemClock });
  log.load(records);
  return operationHolds(log, systemClock);
}

function write(config: Config, reports: readonly ScanReport[], promotion: PromotionExplanation | undefined, options: { json: boolean; verbose: boolean }): void {
  if (options.json) return void process.stdout.write(`${JSON.stringify({ reports, ...(promotion && { promotion }) }, null, 2)}\n`);
  process.stdout.write(`${renderReports(reports, { verbose: options.verbose })}\n`);
  if (promotion) process.stdout.write(`${renderPromotion(promotion, config.environments, Date.now())}\n`);
}

export async function run(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, watch: { type: 'string', multiple: true }, environment: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' }, cache: { type: 'string' }, server: { type: 'string' }, 'token-file': { type: 'string' } },
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
    const sources = { ...(values.server !== undefined && { server: values.server }), ...(values['token-file'] !== undefined && { tokenFile: values['token-file'] }), ...(values.cache !== undefined && { cacheFile: values.cache }), ...(snapshot && { snapshot }) };
    const promotion = await explainPromotion({ config, cache, filter: { ...(wanted && { watches: wanted }), ...(values.environment !== undefined && { environment: values.environment }) }, now: Date.now() }, sources);
    write(config, reports, promotion, { json: values.json ?? false, verbose: values.all ?? false });
    if (promotion?.error) {
      process.stderr.write(`resolve: promotion not read from ${promotion.from}: ${promotion.error.code}: ${promotion.error.message}\n`);
      return 1;
    }
    return reports.some((r) => r.error || r.targets.some((t) => t.error)) ? 1 : 0;
  } catch (err) {
    process.stderr.write(`resolve: ${isAppError(err) ? `${err.code}: ` : ''}${describeError(err)}\n`);
    const issues = isAppError(err) ? err.details?.issues : undefined;
    if (Array.isArray(issues)) for (const i of issues as Array<{ path: string; message: string }>) process.stderr.write(`  ${i.path}: ${i.message}\n`);
    return 1;
  }
}
