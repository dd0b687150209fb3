// The status page (/ui/) and its read-only data API (/ui/api/*), as one Fastify plugin in its own
// scope: its own body limit, security headers and access check, nothing shared with getparams.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CacheReader } from '../cache/types.ts';
import type { ClusterSource } from '../clusters/types.ts';
import type { Config } from '../config/types.ts';
import type { RegistryStats } from '../registry/types.ts';
import type { Clock } from '../shared/clock.ts';
import { createAccess, type Viewer } from './access.ts';
import { loadAssets, SECURITY_HEADERS } from './assets.ts';
import { uiError } from './errors.ts';
import type { Explainer } from './explain.ts';
import { registerDataRoutes } from './routes.ts';
import { createBudgetHistory } from './registries.ts';
import { clearedCookie, issueSession, sessionCookie } from './session.ts';
import { createStateBook } from './state.ts';
import { createLoginLimiter } from './login-limit.ts';
import type { PromotionReader } from './promotion.ts';
import type { OperationsLogView } from './operations.ts';


export interface UiDeps {
  readonly config: () => Config | undefined;
  readonly cache: CacheReader;
  readonly clusters: Pick<ClusterSource, 'inventory'>;
  readonly clock: Clock;
  readonly registryStats?: () => ReadonlyMap<string, RegistryStats>;
  readonly explain?: Explainer;
  /** Where the built page lives (default: dist/ui). */
  readonly assetDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Progressive delivery: where each environment and wave stands. */
  readonly promotion?: PromotionReader;
  /** The operations log, shown read-only. */
  readonly operations?: OperationsLogView;
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer?: Viewer;
  }
}

/** Behind a TLS-terminating proxy the cookie must be Secure; on plain HTTP it cannot be. */
function secure(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

export async function registerUi(app: FastifyInstance, deps: UiDeps): Promise<void> {
  const assets = loadAssets(deps.assetDir);
  const access = createAccess({ config: deps.config, clock: deps.clock, ...(deps.env && { env: deps.env }) });
  const budgets = createBudgetHistory({ config: deps.config, ...(deps.registryStats && { stats: deps.registryStats }), clock: deps.clock });
  app.addHook('onClose', async () => budgets.stop());
  const logins = createLoginLimiter(deps.clock);
  const state = createStateBook({ config: deps.config, cache: deps.cache, clusters: deps.clusters, budgets, clock: deps.clock, ...(deps.promotion && { promotion: deps.promotion }), ...(deps.operations && { operations: deps.operations }) });

  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply) => {
      reply.headers(SECURITY_HEADERS);
    });
    const sendAsset = (name: string) => async (request: FastifyRequest, reply: FastifyReply) => {
      const asset = assets.get(name);
      if (!asset) throw uiError('UI_ASSETS_MISSING', `the status page was not built into this image (dist/ui/${name} is missing; run npm run build)`);
      reply.header('etag', asset.etag).header('cache-control', 'no-cache').type(asset.type);
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.send(asset.body);
    };
    scope.get('/ui', async (_request, reply) => reply.redirect('/ui/'));
    scope.get('/ui/', sendAsset('index.html'));
    scope.get('/ui/status.js', sendAsset('status.js'));
    scope.get('/ui/status.css', sendAsset('status.css'));

    scope.post('/ui/api/login', { bodyLimit: 4096, schema: { body: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', minLength: 1, maxLength: 1024 } } } } }, async (request, reply) => {
      const { token } = request.body as { token: string };
      const wait = logins.blockedFor(request.ip);
      if (wait > 0) {
        reply.header('retry-after', String(Math.ceil(wait / 1000)));
        throw uiError('UI_LOGIN_THROTTLED', `too many wrong tokens from this address; try again in ${Math.ceil(wait / 1000)} s`);
      }
      if (!access.checkViewerToken(token)) {
        logins.failed(request.ip);
        throw uiError('UI_LOGIN_INVALID', 'that is not the viewer token (server.viewerTokenFile); the generator token does not open the page');
      }
      return reply.header('set-cookie', sessionCookie(issueSession(access.viewerToken()!, deps.clock.now()), secure(request))).code(204).send();
    });
    scope.post('/ui/api/logout', async (request, reply) => reply.header('set-cookie', clearedCookie(secure(request))).code(204).send());

    await scope.register(async (data) => {
      data.addHook('onRequest', async (request, reply) => {
        const viewer = access.authorize(request);
        if (viewer instanceof Error) throw viewer;
        request.viewer = viewer;
        reply.header('cache-control', 'no-cache, private');
      });
      registerDataRoutes(data, { ...deps, state });
    });
  });
}
