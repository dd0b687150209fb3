// Taking an operation: validate it against the config and the served state, make it durable with
// the resolved state (`durable` stages it and writes, or hands it to the leader), and answer only
// once it is in effect. A write that failed withdraws the record: the operator gets OPS_NOT_DURABLE
// and nothing applies later behind their back.
import type { CacheReader } from '../cache/types.ts';
import type { Config } from '../config/types.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import { opsError } from './errors.ts';
import type { OperationsLog } from './log.ts';
import type { OperationRecord } from './types.ts';
import { validateOperation, type OperationRequest } from './validate.ts';

/** Makes a validated record durable; resolves true once it is committed to the log. */
export type MakeDurable = (record: OperationRecord) => Promise<boolean>;

export interface Operations {
  readonly log: OperationsLog;
  /** Validates, persists and applies an action taken by `by`; throws an OPS_* AppError when refused. */
  submit(request: OperationRequest, by: string): Promise<OperationRecord>;
  /** Applies a record a follower forwarded (validated again against this replica's config). */
  accept(record: OperationRecord): Promise<void>;
}

export function createOperations(deps: { log: OperationsLog; config: () => Config | undefined; cache: Pick<CacheReader, 'get'>; clock: Clock; logger: Logger; durable: MakeDurable }): Operations {
  const log = deps.logger.child({ module: 'operations' });

  function validate(request: OperationRequest, by: string, id?: string): OperationRecord {
    const config = deps.config();
    if (!config) throw opsError('OPS_UNREACHABLE', 'the service has no valid config loaded yet');
    const now = deps.clock.now();
    return validateOperation(request, { config, cache: deps.cache, active: deps.log.active(new Date(now)), now, by, ...(id && { id }) });
  }

  async function apply(record: OperationRecord): Promise<void> {
    if (!(await deps.durable(record))) {
      deps.log.unstage(record.id);
      throw opsError('OPS_NOT_DURABLE', 'the action could not be persisted with the resolved state (see the service logs); nothing was applied, try again');
    }
    log.info({ id: record.id, kind: record.kind, watch: record.watch, environment: record.environment, tag: record.tag, by: record.by, until: record.until, reason: record.reason }, 'operation recorded');
  }

  return {
    log: deps.log,
    async submit(request, by) {
      const record = validate(request, by);
      await apply(record);
      return record;
    },
    async accept(record) {
      if (deps.log.committed(record.id)) return;
      const { id, by, kind, watch, environment, tag, wave, reason, until } = record;
      const checked = validate({ kind, watch, environment, reason, ...(tag !== undefined && { tag }), ...(wave !== undefined && { wave }), ...(until !== undefined && { until }) }, by, id);
      await apply(checked);
    },
  };
}
