// Answers to getparams, built once per state and reused: the state is (config, what the cache serves
// (served-revision.ts: a scan that found nothing new does not count), inventory revision, promotion
// revision). While it holds, identical inputs get the identical bytes from memory; when
// it moves, the next request for each input rebuilds. Nothing here is per request but the lookup.
import { LRUCache } from 'lru-cache';
import type { CacheReader } from '../cache/types.ts';
import type { PromotionState } from '../promotion/types.ts';
import type { ClusterSource } from '../clusters/types.ts';
import type { Config } from '../config/types.ts';
import type { AppError } from '../shared/errors.ts';
import type { UsageBook } from '../poller/usage.ts';
import { lazyGzip, type Compressed } from './compressed.ts';
import { generatorError } from './errors.ts';
import type { GeneratorInput } from './input.ts';
import { buildParameterSets, selectWatches, type ParameterSet } from './params.ts';
import { servedRevision } from './served-revision.ts';

export interface GeneratorDeps {
  readonly config: () => Config | undefined;
  /** Set while the config file is invalid: every answer is then an error naming the problem. */
  readonly configError: () => string | undefined;
  readonly cache: CacheReader;
  readonly clusters: Pick<ClusterSource, 'inventory'>;
  /** The promotion state clusters are served by (absent: no promotion runs). */
  readonly promotion?: { state(): PromotionState; revision(): number };
  /** Told which watches each request selects (clusters use them: the poller serves them first when a rate limit is short). */
  readonly usage?: Pick<UsageBook, 'touch'>;
  /** Told where each set of parameters came from: the answer cache, or built now (a metric counts it). */
  readonly observeAnswer?: (from: 'cache' | 'built') => void;
}

/** `gzip` is the same bytes gzip-coded, made at most once per answer (see compressed.ts). */
export type Answer = { ok: true; bytes: string; gzip: Compressed } | { ok: false; error: AppError };

export interface AnswerBook {
  /** `serialize` turns a body into bytes (the route's response-schema serializer). */
  answer(applicationSetName: string, input: GeneratorInput, serialize: (body: { output: { parameters: ParameterSet[] } }) => string): Answer;
}

/**
 * Distinct inputs remembered per state: an ApplicationSet asks with one input, so this covers 256
 * ApplicationSets; beyond that the least recently asked input is rebuilt on its next request.
 */
const MAX_ANSWERS = 256;
/** Answer bytes remembered per state (the gzip copy comes on top, about a tenth of it). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

function createBook(): LRUCache<string, Answer> {
  return new LRUCache<string, Answer>({ max: MAX_ANSWERS, maxSize: MAX_ANSWER_BYTES, sizeCalculation: (a) => (a.ok ? Math.max(1, a.bytes.length) : 1) });
}

export function createAnswerBook(deps: GeneratorDeps): AnswerBook {
  const configIds = new WeakMap<Config, number>();
  let nextConfigId = 1;
  let stamp = '';
  const book = createBook();
  const served = servedRevision(deps.cache);

  function stampOf(config: Config, inventoryRevision: number): string {
    let id = configIds.get(config);
    if (id === undefined) configIds.set(config, (id = nextConfigId++));
    return `${id}:${served()}:${inventoryRevision}:${deps.promotion?.revision() ?? 0}`;
  }

  return {
    answer(applicationSetName, input, serialize) {
      const problem = deps.configError();
      const config = deps.config();
      if (problem !== undefined || !config) {
        return { ok: false, error: generatorError('GEN_CONFIG_INVALID', `the service config is invalid, so no parameters are generated: ${problem ?? 'no config loaded'}`) };
      }
      const inventory = deps.clusters.inventory();
      if (!inventory.loaded) return { ok: false, error: generatorError('GEN_INVENTORY_UNAVAILABLE', `the cluster inventory has not been read yet${inventory.error ? `: ${inventory.error.message}` : ''}`) };
      if (inventory.error) return { ok: false, error: generatorError('GEN_INVENTORY_UNAVAILABLE', `the cluster inventory cannot be read: ${inventory.error.message}`, { since: inventory.error.at }) };
      const watches = selectWatches(config, input, applicationSetName);
      if (!watches.ok) return watches;
      deps.usage?.touch(watches.value.map((w) => w.name));

      const now = stampOf(config, inventory.revision);
      if (now !== stamp) {
        stamp = now;
        book.clear();
      }
      const key = JSON.stringify([watches.value.map((w) => w.name), input.clusterSelector, input.allowEmpty]);
      const known = book.get(key);
      deps.observeAnswer?.(known ? 'cache' : 'built');
      if (known) return known;
      const promotion = deps.promotion && { state: deps.promotion.state() };
      const built = buildParameterSets({ config, cache: deps.cache, clusters: inventory.clusters, watches: watches.value, input, ...(promotion && { promotion }) });
      const bytes = built.ok ? serialize({ output: { parameters: built.value } }) : '';
      const answer: Answer = built.ok ? { ok: true, bytes, gzip: lazyGzip(bytes) } : built;
      book.set(key, answer);
      return answer;
    },
  };
}
