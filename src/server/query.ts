// Query strings name each parameter once. Fastify's parser turns `?secret=a&secret=b` into an array,
// and which copy a route then reads (the first, the last, the array coerced to "a,b") would be a
// parser's choice, not ours: a secret check must never depend on it. Refused before any route runs.
import type { FastifyInstance } from 'fastify';
import { serverError } from '../shared/http-errors.ts';

export function refuseRepeatedParameters(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (query === undefined || query === null) return;
    for (const name of Object.keys(query)) {
      if (Array.isArray(query[name])) throw serverError('REQUEST_REPEATED_PARAMETER', `the query parameter "${name.slice(0, 64)}" appears more than once; send it once`);
    }
  });
}
