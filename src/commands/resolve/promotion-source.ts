// Where `resolve` learns what promotion decides. Live (`--server`): the running service's operations
// status, which its promotion engine computed from the Applications it watches. Offline (`--cache`):
// the service's saved promotion state and operations log, whose status the same pure engine
// (statusOfState) describes as the service last evaluated it; resolve reads no Applications, so no
// gate is evaluated again. Neither: the config and this run's candidates only. The operator token
// is read from the environment or a file and sent only to the named service, never printed.
import type { CacheReader } from '../../cache/types.ts';
import type { Snapshot } from '../../cache/snapshot.ts';
import type { Config } from '../../config/types.ts';
import { createOperationsLog } from '../../operations/log.ts';
import { describeStatus } from '../../operations/status.ts';
import { statusOfState } from '../../promotion/engine.ts';
import { parsePromotionState } from '../../promotion/state-codec.ts';
import { EMPTY_PROMOTION_STATE } from '../../promotion/types.ts';
import { candidateOf } from '../../service/promotion.ts';
import { viewOf } from '../../service/promotion-view.ts';
import { describeError, isAppError } from '../../shared/errors.ts';
import { TOKEN_ENV } from '../operations/args.ts';
import { call } from '../operations/client.ts';
import { explainedRows, type PromotionExplanation, type RowFilter, type StatusRowInput } from './promotion-rows.ts';

export interface PromotionQuery {
  readonly config: Config;
  /** Resolve's cache after the scan: the candidates. */
  readonly cache: CacheReader;
  readonly filter: RowFilter;
  readonly now: number;
}

/** Asks the running service (GET /api/v1/operations/status with the operator token). */
export async function fromService(q: PromotionQuery, server: string, tokenFile: string | undefined, env: NodeJS.ProcessEnv): Promise<PromotionExplanation> {
  const token = tokenFile !== undefined ? { file: tokenFile } : { env: TOKEN_ENV };
  let origin = server;
  try {
    origin = new URL(server).origin;
    const answer = await call({ command: 'status', server, token, json: true, body: {} }, env);
    if (answer.status >= 400) return { source: 'service', from: origin, error: { code: String(answer.body.code ?? answer.status), message: String(answer.body.message ?? 'refused') }, rows: offlineRows(q) };
    const status = Array.isArray(answer.body.status) ? (answer.body.status as StatusRowInput[]) : [];
    return { source: 'service', from: origin, ...(typeof answer.body.at === 'string' && { at: answer.body.at }), rows: explainedRows(q.config, q.cache, status, q.filter) };
  } catch (err) {
    return { source: 'service', from: origin, error: { code: isAppError(err) ? err.code : 'OPS_UNREACHABLE', message: describeError(err) }, rows: offlineRows(q) };
  }
}

/** The saved state of the service (`--cache`): its promotion state and operations, described by the engine as it stands. */
export function fromSnapshot(q: PromotionQuery, file: string, snapshot: Snapshot | undefined): PromotionExplanation {
  const log = createOperationsLog({ clock: { now: () => q.now } });
  log.load(snapshot?.operations ?? []);
  const now = new Date(q.now);
  const statuses = statusOfState({
    now,
    watches: q.config.watches.map((w) => ({ name: w.name, image: w.image })),
    policies: q.config.environments,
    candidate: candidateOf(q.cache, q.config),
    clusters: [],
    applications: { known: false, reason: 'resolve reads no Applications', applications: [] },
    state: parsePromotionState(snapshot?.promotion) ?? EMPTY_PROMOTION_STATE,
    operations: log.active(now),
  });
  const promotion = { view: (watch: string, environment: string) => viewOf(statuses.find((s) => s.watch === watch && s.environment === environment)) };
  const status = describeStatus({ config: q.config, cache: q.cache, operations: log, promotion, now: q.now }, {});
  return { source: 'cache', from: file, ...(snapshot?.savedAt && { at: snapshot.savedAt }), rows: explainedRows(q.config, q.cache, status, q.filter) };
}

/** The config's view only: the policies, config holds and this run's candidates. */
export function offlineRows(q: PromotionQuery): PromotionExplanation['rows'] {
  const log = createOperationsLog({ clock: { now: () => q.now } });
  return explainedRows(q.config, q.cache, describeStatus({ config: q.config, cache: q.cache, operations: log, now: q.now }, {}), q.filter);
}
