// One error shape for every route: `{ code, message, details? }` with the error's status. Argo CD
// shows the body's `message` in the ApplicationSet's conditions (Argo CD's applicationset/services/plugin), so the
// message is the whole story; 5xx without a code are logged and answered with a generic message.
import type { FastifyError, FastifyInstance } from 'fastify';
import { isAppError } from '../shared/errors.ts';

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isAppError(err)) {
      const status = err.statusCode ?? 500;
      request.log.info({ code: err.code, status, route: request.routeOptions.url }, 'request refused');
      return reply.code(status).send({ code: err.code, message: err.message, ...(err.details && { details: err.details }) });
    }
    if (err.validation) {
      return reply.code(400).send({ code: 'REQUEST_INVALID', message: `request ${err.message}` });
    }
    // Fastify's own 4xx (a body that is not JSON, too large, of another media type) keep their
    // status and message; the code is ours, so clients see only the codes docs/errors.md lists.
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ code: 'REQUEST_INVALID', message: err.message });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ code: 'INTERNAL', message: 'internal error; see the service logs' });
  });
}
