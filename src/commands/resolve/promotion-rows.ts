// What `resolve` says about promotion and operations, per watch and environment: where the answer
// comes from, the candidate this run resolved, and the promotion engine's status with the holds,
// approvals and promotions in effect. The shape of one row is the operations status row
// (GET /api/v1/operations/status), so the live and the offline answer read the same.
import type { CacheReader } from '../../cache/types.ts';
import { DEFAULT_ENVIRONMENT, type Config } from '../../config/types.ts';
import type { OperationRecord } from '../../operations/types.ts';
import type { PromotionStatus } from '../../promotion/types.ts';

/** service: the running service decided it now; cache: its saved state; none: neither was given. */
export type PromotionSourceKind = 'service' | 'cache' | 'none';

export interface HeldRow {
  readonly tag: string | null;
  readonly reason: string;
  readonly by: string | null;
  readonly at: string | null;
  readonly until: string | null;
  readonly source: 'operation' | 'config';
}

export interface ExplainedRow {
  readonly watch: string;
  readonly environment: string;
  /** What this run of `resolve` resolved for the (watch, environment): the candidate before any gate. */
  readonly candidate: { readonly tag: string; readonly ref: string } | null;
  /** The promotion engine's status (null: no promotion or rollout here, or not known to this source). */
  readonly promotion: PromotionStatus | null;
  readonly held: HeldRow | null;
  readonly approvals: readonly OperationRecord[];
  readonly promotions: readonly OperationRecord[];
}

export interface PromotionExplanation {
  readonly source: PromotionSourceKind;
  /** The service's URL origin (source service) or the cache file (source cache). */
  readonly from?: string;
  /** When the service answered, or when the cache file was saved. */
  readonly at?: string;
  /** The source could not be read: the code and message (the rows then hold the config's view only). */
  readonly error?: { readonly code: string; readonly message: string };
  readonly rows: readonly ExplainedRow[];
}

/** A status row as the operations API answers it (operations/status.ts), read as untrusted JSON. */
export interface StatusRowInput {
  readonly watch?: unknown;
  readonly environment?: unknown;
  readonly held?: unknown;
  readonly promotion?: unknown;
  readonly approvals?: unknown;
  readonly promotions?: unknown;
}

export interface RowFilter {
  readonly watches?: ReadonlySet<string>;
  readonly environment?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRecord(v: unknown): v is OperationRecord {
  return isObject(v) && typeof v.kind === 'string' && typeof v.by === 'string' && typeof v.reason === 'string' && typeof v.at === 'string';
}

function isHeld(v: unknown): v is HeldRow {
  return isObject(v) && typeof v.reason === 'string' && (v.source === 'operation' || v.source === 'config');
}

function isStatus(v: unknown): v is PromotionStatus {
  return isObject(v) && typeof v.state === 'string' && typeof v.served === 'string' && typeof v.since === 'string';
}

function records(v: unknown): OperationRecord[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** The rows worth showing: an environment with a promotion or a rollout, or one a hold or an operation governs. */
export function explainedRows(config: Config, cache: CacheReader, status: readonly StatusRowInput[], filter: RowFilter): ExplainedRow[] {
  const out: ExplainedRow[] = [];
  for (const row of status) {
    if (typeof row.watch !== 'string' || typeof row.environment !== 'string') continue;
    const watch = config.watches.find((w) => w.name === row.watch);
    if (!watch || (filter.watches && !filter.watches.has(watch.name)) || (filter.environment !== undefined && filter.environment !== row.environment)) continue;
    const policy = Object.hasOwn(config.environments, row.environment) ? config.environments[row.environment] : undefined;
    const approvals = records(row.approvals);
    const promotions = records(row.promotions);
    const held = isHeld(row.held) ? row.held : null;
    if (!policy?.promotion && !policy?.rollout && !held && approvals.length === 0 && promotions.length === 0) continue;
    const current = cache.get(watch.name, Object.hasOwn(watch.environments, row.environment) ? row.environment : DEFAULT_ENVIRONMENT)?.current;
    out.push({
      watch: watch.name,
      environment: row.environment,
      candidate: current ? { tag: current.tag, ref: current.ref } : null,
      promotion: isStatus(row.promotion) ? row.promotion : null,
      held,
      approvals,
      promotions,
    });
  }
  return out;
}
