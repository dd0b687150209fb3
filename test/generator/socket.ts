// Sends requests over a real socket, as the ApplicationSet controller does (not inject()). Like Go's
// default transport (which Argo CD's plugin client uses), a gzip-coded answer is decompressed and
// `wireBytes` says how many bytes actually crossed the socket.
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';

export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** Body length on the wire (before decompression). */
  readonly wireBytes: number;
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
  const raw = Buffer.from(await res.body.arrayBuffer());
  const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  return { status: res.statusCode, headers: res.headers, text, wireBytes: raw.length, json: () => JSON.parse(text) as Record<string, unknown> };
}
