// The data behind the page and the Argo CD extension. Read-only; every answer is JSON.
import type { FastifyInstance } from 'fastify';
import type { CacheReader } from '../cache/types.ts';
import type { ClusterSource } from '../clusters/types.ts';
import type { Config, Watch } from '../config/types.ts';
import { serverError } from '../shared/http-errors.ts';
import type { Clock } from '../shared/clock.ts';
import { findCluster, servedTo, servedToAll } from './clusters.ts';
import { uiError } from './errors.ts';
import type { Explainer } from './explain.ts';
import type { StateAnswer } from './state.ts';
import { commandsFor, operationsOf, type OperationsLogView } from './operations.ts';
import { promotionInput, type PromotionReader } from './promotion.ts';
import type { ExtensionView, HistoryItem, WatchDetail } from './types.ts';
import { describeWatch, environmentsOf } from './views.ts';

export interface DataDeps {
  readonly config: () => Config | undefined;
  readonly cache: CacheReader;
  readonly clusters: Pick<ClusterSource, 'inventory'>;
  readonly clock: Clock;
  readonly explain?: Explainer;
  readonly state: (config: Config) => StateAnswer;
  readonly promotion?: PromotionReader;
  readonly operations?: Pick<OperationsLogView, 'log'>;
}


const WATCH_PARAM = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 253 } } } as const;
const EXTENSION_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { watches: { type: 'string', maxLength: 4096 }, cluster: { type: 'string', maxLength: 253 }, server: { type: 'string', maxLength: 2048 } },
} as const;

function needConfig(deps: DataDeps): Config {
  const config = deps.config();
  if (!config) throw serverError('NOT_READY', 'the service has no valid config loaded yet');
  return config;
}

function needWatch(config: Config, name: string): Watch {
  const watch = config.watches.find((w) => w.name === name);
  if (!watch) throw uiError('UI_UNKNOWN_WATCH', `no watch named "${name}"`);
  return watch;
}

function historyOf(deps: DataDeps, watch: Watch): HistoryItem[] {
  const items: HistoryItem[] = [];
  for (const environment of environmentsOf(watch)) {
    const e = deps.cache.get(watch.name, environment);
    for (const r of [...(e?.current ? [e.current] : []), ...(e?.history ?? [])]) items.push({ environment, tag: r.tag, digest: r.digest, ref: r.ref, resolvedAt: r.resolvedAt });
  }
  return items.sort((a, b) => (a.resolvedAt < b.resolvedAt ? 1 : a.resolvedAt > b.resolvedAt ? -1 : 0));
}

export function registerDataRoutes(app: FastifyInstance, deps: DataDeps): void {
  app.get('/ui/api/state', async (request, reply) => {
    const answer = deps.state(needConfig(deps));
    reply.header('etag', answer.etag).header('vary', 'Accept-Encoding').type('application/json; charset=utf-8');
    if (request.headers['if-none-match'] === answer.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(answer.gzipped());
    return reply.send(answer.body);
  });

  app.get('/ui/api/watches/:name', { schema: { params: WATCH_PARAM } }, async (request): Promise<WatchDetail> => {
    const config = needConfig(deps);
    const watch = needWatch(config, (request.params as { name: string }).name);
    const clusters = deps.clusters.inventory().clusters;
    const promotion = promotionInput(config, deps.promotion, clusters);
    const view = describeWatch(config, deps.cache, watch, deps.clock.now(), promotion);
    return {
      watch: view,
      history: historyOf(deps, watch),
      clusters: servedToAll(config, deps.cache, watch, clusters, promotion?.ctx),
      operations: operationsOf(deps.operations, watch.name),
      commands: view.environments.map((e) => commandsFor(watch.name, e)),
    };
  });

  app.get('/ui/api/watches/:name/candidates', { schema: { params: WATCH_PARAM } }, async (request) => {
    const config = needConfig(deps);
    const watch = needWatch(config, (request.params as { name: string }).name);
    if (!deps.explain) throw serverError('NOT_READY', 'candidate tags are explained by the running service only');
    return deps.explain(watch);
  });

  // For the Argo CD extension: the watches an Application (or ApplicationSet) uses, and what its
  // cluster is served. Through Argo CD the destination comes from argocd-server's own headers.
  app.get('/ui/api/extension', { schema: { querystring: EXTENSION_QUERY } }, async (request): Promise<ExtensionView> => {
    const config = needConfig(deps);
    const q = request.query as { watches?: string; cluster?: string; server?: string };
    const viewer = request.viewer;
    const fromArgo = viewer?.kind === 'argocd' ? viewer.cluster : { name: '', server: '' };
    // A resource tab on a child Application names that child's destination; else the proxied app's.
    const asked = q.cluster !== undefined || q.server !== undefined ? { name: q.cluster ?? '', server: q.server ?? '' } : fromArgo;
    const inventory = deps.clusters.inventory().clusters;
    const cluster = findCluster(inventory, asked.name, asked.server);
    const promotion = promotionInput(config, deps.promotion, inventory);
    const names = q.watches ? new Set(q.watches.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;
    const watches = [...config.watches].filter((w) => !names || names.has(w.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const now = deps.clock.now();
    return {
      cluster: cluster?.name ?? null,
      watches: watches.map((w) => ({ ...describeWatch(config, deps.cache, w, now, promotion), served: cluster ? servedTo(config, deps.cache, w, cluster, promotion?.ctx) : null })),
    };
  });
}
