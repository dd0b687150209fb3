// A loopback stand-in for argocd-server as the extension meets it: it serves the UI page (see
// host/page.js), the extension bundle at /extensions.js, and the proxy extension at
// /extensions/<name>/… behaving as server/extension/extension.go does: the `argocd.token` cookie
// authenticates, Argocd-Application-Name and Argocd-Project-Name are required and checked against
// the user's RBAC, the extension prefix is stripped, Cookie and Authorization are removed, the
// configured headers (our shared secret) are set, and the Argocd-Namespace, Argocd-Target-Cluster-*
// and Argocd-User* headers are added (Argo CD docs, developer-guide/extensions/proxy-extensions.md).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { request } from 'undici';

export const ARGOCD_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.test-session.alice';

export interface HostObjects {
  readonly application: { metadata: { name: string; namespace: string }; spec: { project: string; destination: { name?: string; server?: string } } };
  readonly resource: Record<string, unknown>;
}

export interface ArgoHost {
  readonly url: string;
  /** Headers of every request the proxy sent to the service. */
  readonly forwarded: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}

export interface HostOptions {
  readonly service: string;
  readonly extensionName: string;
  readonly proxyHeaders: Record<string, string>;
  /** view name → what the sliding panel shows. */
  readonly views: Record<string, HostObjects>;
  /** `<namespace>:<app>` the user may read (RBAC `applications, get` plus `extensions, invoke`). */
  readonly allowed: readonly string[];
}

const HERE = new URL('./host/', import.meta.url);
const EXTENSION = new URL('../../dist/ui/extension.js', import.meta.url);

async function bundlePage(): Promise<string> {
  const out = await build({ entryPoints: [new URL('page.js', HERE).pathname], bundle: true, write: false, format: 'iife', platform: 'browser', define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'warning' });
  return out.outputFiles[0]!.text;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

export async function startArgoHost(options: HostOptions): Promise<ArgoHost> {
  const page = await bundlePage();
  const forwarded: ArgoHost['forwarded'] = [];
  const apps = new Map(Object.values(options.views).map((v) => [`${v.application.metadata.namespace}:${v.application.metadata.name}`, v.application]));
  const prefix = `/extensions/${options.extensionName}`;

  async function proxy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!/(?:^|;\s*)argocd\.token=([^;]+)/.exec(req.headers.cookie ?? '') || !(req.headers.cookie ?? '').includes(ARGOCD_TOKEN)) return send(res, 401, 'text/plain', 'Unauthenticated');
    const appName = String(req.headers['argocd-application-name'] ?? '');
    const project = String(req.headers['argocd-project-name'] ?? '');
    const app = apps.get(appName);
    if (!app || app.spec.project !== project) return send(res, 400, 'text/plain', 'invalid headers');
    if (!options.allowed.includes(appName)) return send(res, 403, 'text/plain', 'Unauthorized extension request');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'cookie' && k !== 'authorization' && k !== 'host' && k !== 'connection') headers[k] = v;
    Object.assign(headers, { 'argocd-namespace': 'argocd', 'argocd-username': 'alice', 'argocd-user-id': 'alice', 'argocd-user-groups': 'team-a' }, options.proxyHeaders);
    if (app.spec.destination.name) headers['argocd-target-cluster-name'] = app.spec.destination.name;
    if (app.spec.destination.server) headers['argocd-target-cluster-url'] = app.spec.destination.server;
    forwarded.push(headers);
    const out = await request(`${options.service}${req.url!.slice(prefix.length)}`, { method: 'GET', headers });
    res.writeHead(out.statusCode, { 'content-type': String(out.headers['content-type'] ?? 'application/json') });
    res.end(Buffer.from(await out.body.arrayBuffer()));
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const done = (p: Promise<void> | void) => Promise.resolve(p).catch((err: Error) => send(res, 502, 'text/plain', err.message));
    if (path === '/' ) return done(readFile(new URL('index.html', HERE)).then((b) => send(res, 200, 'text/html; charset=utf-8', b)));
    if (path === '/host/page.js') return send(res, 200, 'text/javascript', page);
    if (path === '/host/host.css') return done(readFile(new URL('host.css', HERE)).then((b) => send(res, 200, 'text/css', b)));
    if (path === '/extensions.js') return done(readFile(EXTENSION).then((b) => send(res, 200, 'text/javascript', b)));
    const view = /^\/host\/objects\/([a-z-]+)$/.exec(path);
    if (view && options.views[view[1]!]) return send(res, 200, 'application/json', JSON.stringify(options.views[view[1]!]));
    if (path.startsWith(`${prefix}/`)) return done(proxy(req, res));
    return send(res, 404, 'text/plain', 'not found');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
