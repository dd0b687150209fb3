// Slow and unauthenticated clients. Node's HTTP server waits 60 s for headers and 300 s for a whole
// request by default, and checks only every 30 s, so a burst of clients that never finish their
// headers or body holds sockets and buffers for minutes. Here: headers within `headersTimeoutMs`
// (Node's check, every second, answers 408 and closes), the whole request body within
// `requestTimeoutMs` (our own timer per request: Node's requestTimeout did not close a connection
// whose headers were complete and whose body stalled, measured on Node 24 behind Fastify 5),
// and at most `maxUnauthenticated` connections open at once that have not yet carried an
// authenticated request; a connection beyond that is closed as it arrives. A connection turns
// authenticated when one of its requests to an authenticated route (`/api/…`: getparams and images
// check the bearer token, webhooks their signature or secret) is answered below 400, so the
// ApplicationSet controller's keep-alive connections never count against the cap.
import type { Socket } from 'node:net';
import type { ServerOptions } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../shared/log.ts';

export interface ConnectionLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxUnauthenticated: number;
}

/** Fastify options that put the timeouts on the Node server it creates. */
export function timeoutOptions(limits: ConnectionLimits): { readonly requestTimeout: number; readonly http: ServerOptions } {
  return {
    requestTimeout: limits.requestTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: 1000 },
  };
}

export function limitConnections(app: FastifyInstance, limits: ConnectionLimits, logger: Logger): void {
  const unauthenticated = new Set<Socket>();
  let refused = 0;
  app.server.on('connection', (socket: Socket) => {
    if (unauthenticated.size >= limits.maxUnauthenticated) {
      refused += 1;
      // one line per power of two, so a flood cannot flood the log too
      if ((refused & (refused - 1)) === 0) logger.warn({ open: unauthenticated.size, refused, max: limits.maxUnauthenticated }, 'too many unauthenticated connections; closing new ones');
      socket.destroy();
      return;
    }
    unauthenticated.add(socket);
    socket.once('close', () => unauthenticated.delete(socket));
  });
  app.addHook('onRequest', async (request, reply) => {
    const raw = request.raw;
    if (raw.complete) return;
    const timer = setTimeout(() => {
      if (!raw.complete && !raw.socket.destroyed) raw.socket.destroy();
    }, limits.requestTimeoutMs);
    timer.unref();
    // A keep-alive socket carries many requests: each request's listeners go when it ends, or a
    // connection Argo CD keeps open would gather one more 'close' listener per request.
    const socket = raw.socket;
    const stop = (): void => {
      clearTimeout(timer);
      reply.raw.off('finish', stop);
      socket.off('close', stop);
    };
    reply.raw.once('finish', stop);
    socket.once('close', stop);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 400 && (request.routeOptions.url ?? '').startsWith('/api/')) unauthenticated.delete(request.raw.socket);
  });
}
