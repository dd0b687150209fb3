// An operator's request checked against the config and the served state, into the record to log.
// Pure: every field is checked against its grammar and bounds, and every message names the field
// and the fix.
import { randomUUID } from 'node:crypto';
import type { CacheReader } from '../cache/types.ts';
import { DEFAULT_ENVIRONMENT, type Config } from '../config/types.ts';
import { opsError } from './errors.ts';
import { holdInEffect } from './effect.ts';
import { isIsoTime, isReason, isTag, KINDS, MAX_REASON, MAX_UNTIL_MS, MAX_WAVE } from './record.ts';
import type { OperationKind, OperationRecord } from './types.ts';

export interface OperationRequest {
  readonly kind: OperationKind;
  readonly watch: string;
  readonly environment?: string;
  readonly tag?: string;
  readonly wave?: number;
  readonly reason: string;
  readonly until?: string;
}

export interface ValidateContext {
  readonly config: Config;
  readonly cache: Pick<CacheReader, 'get'>;
  /** Records in effect now (a release needs a hold to end). */
  readonly active: readonly OperationRecord[];
  readonly now: number;
  /** The operator token's name. */
  readonly by: string;
  /** Set when a follower forwarded the request: the leader keeps its id. */
  readonly id?: string;
}

function checkUntil(until: string | undefined, now: number): string | undefined {
  if (until === undefined) return undefined;
  if (!isIsoTime(until)) throw opsError('OPS_INVALID', `until: "${until.slice(0, 64)}" is not an ISO 8601 time with a zone (write e.g. "2026-12-01T18:00:00Z")`);
  const time = Date.parse(until);
  if (time <= now) throw opsError('OPS_INVALID', `until: ${until} is not in the future`);
  if (time - now > MAX_UNTIL_MS) throw opsError('OPS_INVALID', `until: ${until} is more than ${MAX_UNTIL_MS / 86_400_000} days ahead; hold again later instead`);
  return new Date(time).toISOString();
}

function checkWhere(request: OperationRequest, config: Config): string {
  const watch = config.watches.find((w) => w.name === request.watch);
  if (!watch) throw opsError('OPS_UNKNOWN_WATCH', `watch "${request.watch.slice(0, 64)}" is not in the config (watches: ${config.watches.map((w) => w.name).join(', ') || 'none'})`);
  const environment = request.environment ?? DEFAULT_ENVIRONMENT;
  // The watch's own environments and those with a promotion or a rollout (top-level `environments`).
  const known = [...new Set([DEFAULT_ENVIRONMENT, ...Object.keys(watch.environments), ...Object.keys(config.environments)])];
  if (!known.includes(environment)) throw opsError('OPS_UNKNOWN_ENVIRONMENT', `environment "${environment.slice(0, 64)}" is not one of watch ${watch.name}'s (${known.join(', ')})`);
  return environment;
}

function checkFields(request: OperationRequest): void {
  if (!KINDS.includes(request.kind)) throw opsError('OPS_INVALID', `kind must be one of ${KINDS.join(', ')}`);
  if (!isReason(request.reason)) throw opsError('OPS_INVALID', `reason is required: 1 to ${MAX_REASON} printable characters saying why`);
  if (request.tag !== undefined && !isTag(request.tag)) throw opsError('OPS_INVALID', `tag: "${request.tag.slice(0, 64)}" is not a valid tag (letters, digits, _ . -; at most 128, not starting with . or -)`);
  if (request.wave !== undefined && (request.kind !== 'approve' || !Number.isInteger(request.wave) || request.wave < 1 || request.wave > MAX_WAVE)) {
    throw opsError('OPS_INVALID', `wave: only an approval names a wave, a whole number from 1 (the first wave) to ${MAX_WAVE}`);
  }
  if (request.kind === 'release' && (request.tag !== undefined || request.until !== undefined)) throw opsError('OPS_INVALID', 'a release takes neither tag nor until');
  if (request.kind === 'promote' && request.tag === undefined) throw opsError('OPS_INVALID', 'tag: a promotion names the tag to promote');
}

/**
 * The poller applies a hold per watch environment (the default one and the watch's own): a hold of an
 * environment that exists only under `environments:` would be recorded and shown, yet pin nothing.
 */
function checkHoldable(request: OperationRequest, config: Config, environment: string): void {
  if (request.kind !== 'hold' || environment === DEFAULT_ENVIRONMENT) return;
  const watch = config.watches.find((w) => w.name === request.watch)!;
  if (Object.hasOwn(watch.environments, environment)) return;
  throw opsError('OPS_INVALID', `environment "${environment}" is not one of watch ${watch.name}'s own environments, and a hold pins a watch environment: add \`${environment}: {}\` under the watch's \`environments\` in the config, then hold it`);
}

/** An approval's wave must be one of the environment's waves (numbered from 1, as the status shows them). */
function checkWave(request: OperationRequest, config: Config, environment: string): void {
  if (request.wave === undefined) return;
  const waves = Object.hasOwn(config.environments, environment) ? config.environments[environment]!.rollout?.waves.length : undefined;
  if (waves === undefined) throw opsError('OPS_INVALID', `wave: environment "${environment}" has no rollout, so it has no waves; approve without --wave`);
  if (request.wave > waves) throw opsError('OPS_INVALID', `wave: environment "${environment}" rolls out in ${waves} waves, numbered 1 to ${waves}; ${request.wave} is not one of them`);
}

export function validateOperation(request: OperationRequest, ctx: ValidateContext): OperationRecord {
  checkFields(request);
  const environment = checkWhere(request, ctx.config);
  checkWave(request, ctx.config, environment);
  checkHoldable(request, ctx.config, environment);
  const until = checkUntil(request.until, ctx.now);
  let tag = request.tag;
  if (request.kind === 'hold' && tag === undefined) {
    tag = ctx.cache.get(request.watch, environment)?.current?.tag;
    if (tag === undefined) throw opsError('OPS_NOTHING_SERVED', `${request.watch}/${environment} serves nothing yet, so there is nothing to keep; name the tag to hold`);
  }
  if (request.kind === 'release' && !holdInEffect(ctx.active, request.watch, environment)) {
    const configHold = ctx.config.watches.find((w) => w.name === request.watch)?.holds[environment];
    const hint = configHold ? `; its hold on ${configHold.tag} comes from the config: remove watches[].holds.${environment} there` : '';
    throw opsError('OPS_NOT_HELD', `${request.watch}/${environment} has no hold in effect taken as an operation${hint}`);
  }
  return {
    id: ctx.id ?? randomUUID(),
    kind: request.kind,
    watch: request.watch,
    environment,
    ...(tag !== undefined && { tag }),
    ...(request.wave !== undefined && { wave: request.wave }),
    by: ctx.by,
    reason: request.reason,
    at: new Date(ctx.now).toISOString(),
    ...(until !== undefined && { until }),
  };
}
