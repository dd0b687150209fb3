// POST /api/v1/getparams.execute, the ApplicationSet plugin generator protocol
// (Argo CD's applicationset/services/plugin). The Bearer token is checked by the server's auth hook before
// this handler runs. Answers are byte strings from the answer book, serialised once by this
// route's response schema. A client that accepts gzip (Argo CD's does) gets the answer's cached gzip
// coding once it is ready; `Vary` tells caches the representation depends on Accept-Encoding.
import type { FastifyInstance } from 'fastify';
import type { AnswerBook } from './answers.ts';
import { acceptsGzip } from './encoding.ts';
import { parseGeneratorInput } from './input.ts';
import { errorSchema, getParamsBodySchema, getParamsResponseSchema } from './schemas.ts';

export const GETPARAMS_PATH = '/api/v1/getparams.execute';

interface GetParamsBody {
  applicationSetName: string;
  input: { parameters?: unknown };
}

export function registerGetParams(app: FastifyInstance, book: AnswerBook, observe?: (outcome: string) => void): void {
  app.post<{ Body: GetParamsBody }>(GETPARAMS_PATH, {
    schema: { body: getParamsBodySchema, response: { 200: getParamsResponseSchema, '4xx': errorSchema, '5xx': errorSchema } },
    handler(request, reply) {
      const parsed = parseGeneratorInput(request.body.input.parameters);
      if (!parsed.ok) throw parsed.error;
      const answer = book.answer(request.body.applicationSetName, parsed.input, (body) => String(reply.serialize(body)));
      if (!answer.ok) {
        observe?.(answer.error.code);
        throw answer.error;
      }
      observe?.('ok');
      reply.type('application/json; charset=utf-8').header('vary', 'Accept-Encoding');
      if (!acceptsGzip(request.headers['accept-encoding'])) return reply.send(answer.bytes);
      const gzip = answer.gzip.get();
      if (gzip) return reply.header('content-encoding', 'gzip').send(gzip);
      reply.raw.once('close', () => answer.gzip.prepare());
      return reply.send(answer.bytes);
    },
  });
}
