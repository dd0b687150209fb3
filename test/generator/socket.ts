// Sends requests over a real socket, as the ApplicationSet controller does (not inject()).
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';

export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): Record<string, unknown>;
}

const bases = new WeakMap<FastifyInstance, string>();

/** Listens on a free loopback port (once) and returns the base URL. */
export async function listenOnce(app: FastifyInstance): Promise<string> {
  let base = bases.get(app);
  if (!base) {
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    bases.set(app, base);
  }
  return base;
}

export async function send(app: FastifyInstance, req: { method: 'POST' | 'GET'; url: string; headers?: Record<string, string>; payload?: string }): Promise<WireResponse> {
  const base = await listenOnce(app);
  const res = await request(`${base}${req.url}`, { method: req.method, headers: req.headers ?? {}, ...(req.payload !== undefined && { body: req.payload }) });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}
