// The operations API, authenticated with an operator token (auth.ts), never the generator's:
//   POST /api/v1/operations/{hold,release,approve,promote}  { watch, environment?, tag?, wave?, reason, until? }
//   GET  /api/v1/operations/status?watch=&environment=
//   GET  /api/v1/operations/log
// Bodies are small JSON objects checked by schema (unknown keys refused, strings bounded); an action
// answers 201 with its record once it is durable and in effect.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CacheReader } from '../cache/types.ts';
import type { Config } from '../config/types.ts';
import type { Clock } from '../shared/clock.ts';
import type { OperatorCheck } from './auth.ts';
import { opsError } from './errors.ts';
import { MAX_REASON, MAX_WAVE } from './record.ts';
import type { Operations } from './service.ts';
import { describeStatus } from './status.ts';
import type { OperationKind, PromotionStatusReader } from './types.ts';
import type { OperationRequest } from './validate.ts';

export const OPERATIONS_BODY_LIMIT = 4096;

// Fastify's Ajv drops unknown keys where `additionalProperties: false` is written (removeAdditional);
// `propertyNames` refuses them instead, so a misspelt field is a 400, never silently ignored.
const ACTION_BODY = {
  type: 'object',
  propertyNames: { enum: ['watch', 'environment', 'tag', 'wave', 'reason', 'until'] },
  required: ['watch', 'reason'],
  properties: {
    watch: { type: 'string', minLength: 1, maxLength: 253 },
    environment: { type: 'string', minLength: 1, maxLength: 63 },
    tag: { type: 'string', minLength: 1, maxLength: 128 },
    // 0 passes the schema so that validate.ts answers with its explanation (waves count from 1).
    wave: { type: 'integer', minimum: 0, maximum: MAX_WAVE },
    reason: { type: 'string', minLength: 1, maxLength: MAX_REASON },
    until: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

const STATUS_QUERY = {
  type: 'object',
  propertyNames: { enum: ['watch', 'environment'] },
  properties: { watch: { type: 'string', minLength: 1, maxLength: 253 }, environment: { type: 'string', minLength: 1, maxLength: 63 } },
} as const;

export interface OperationsRouteDeps {
  readonly config: () => Config | undefined;
  readonly cache: CacheReader;
  readonly clock: Clock;
  readonly operations: Operations;
  readonly check: OperatorCheck;
  readonly promotion?: PromotionStatusReader;
  readonly unavailable: () => Error | undefined;
}

const KINDS: readonly OperationKind[] = ['hold', 'release', 'approve', 'promote'];

export async function registerOperations(app: FastifyInstance, deps: OperationsRouteDeps): Promise<void> {
  const who = new WeakMap<FastifyRequest, string>();
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      const result = deps.check(request.headers.authorization);
      if (result instanceof Error) throw result;
      who.set(request, result.name);
    });
    for (const kind of KINDS) {
      scope.post<{ Body: Omit<OperationRequest, 'kind'> }>(`/api/v1/operations/${kind}`, { bodyLimit: OPERATIONS_BODY_LIMIT, schema: { body: ACTION_BODY } }, async (request, reply) => {
        const problem = deps.unavailable();
        if (problem) throw problem;
        const record = await deps.operations.submit({ ...request.body, kind }, who.get(request)!);
        return reply.code(201).send({ record });
      });
    }
    scope.get<{ Querystring: { watch?: string; environment?: string } }>('/api/v1/operations/status', { schema: { querystring: STATUS_QUERY } }, async (request) => {
      const problem = deps.unavailable();
      if (problem) throw problem;
      const config = deps.config()!;
      if (request.query.watch !== undefined && !config.watches.some((w) => w.name === request.query.watch)) throw opsError('OPS_UNKNOWN_WATCH', `watch "${request.query.watch}" is not in the config`);
      const now = deps.clock.now();
      const status = describeStatus({ config, cache: deps.cache, operations: deps.operations.log, now, ...(deps.promotion && { promotion: deps.promotion }) }, request.query);
      return { at: new Date(now).toISOString(), revision: deps.operations.log.revision, status };
    });
    scope.get('/api/v1/operations/log', async () => ({ revision: deps.operations.log.revision, records: deps.operations.log.log() }));
  });
}
