// Candidate tags with the policy's verdict for each, as `resolve` explains them: the same scan code
// run with `explain` against a scratch copy of the cache, so the live cache never moves. It reads
// the registry, so answers are kept for 30 s and concurrent asks for one watch share one scan.
import type { MetadataStore } from '../cache/metadata.ts';
import { createResolutionCache } from '../cache/store.ts';
import type { CacheReader } from '../cache/types.ts';
import type { Config, Watch } from '../config/types.ts';
import { planRepositories } from '../poller/plan.ts';
import { scanRepository } from '../poller/scan.ts';
import type { RegistryClient } from '../registry/types.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import type { CandidatesView } from './types.ts';
import { createGate } from '../verify/gate.ts';

export type Explainer = (watch: Watch) => Promise<CandidatesView>;

export interface ExplainDeps {
  readonly config: () => Config | undefined;
  readonly clientFor: (host: string) => RegistryClient;
  readonly cache: CacheReader;
  readonly metadata: MetadataStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

const KEEP_MS = 30_000;
/** Verdicts shown per environment: the page is for people, `resolve --all` lists every tag. */
const MAX_VERDICTS = 200;

async function explainOnce(deps: ExplainDeps, watch: Watch): Promise<CandidatesView> {
  const config = deps.config();
  const plan = config && planRepositories(config).find((p) => p.targets.some((t) => t.watch.name === watch.name));
  if (!plan) return { checkedAt: new Date(deps.clock.now()).toISOString(), candidates: [] };
  const scratch = createResolutionCache();
  scratch.load(deps.cache.entries().filter((e) => e.watch === watch.name));
  const mine = { ...plan, targets: plan.targets.filter((t) => t.watch.name === watch.name) };
  const report = await scanRepository({ client: deps.clientFor(plan.registry), cache: scratch, metadata: deps.metadata, clock: deps.clock, logger: deps.logger, explain: true, gate: createGate({ clock: deps.clock }) }, mine);
  return {
    checkedAt: new Date(deps.clock.now()).toISOString(),
    candidates: report.targets.map((t) => ({
      environment: t.environment,
      verdicts: t.verdicts.slice(0, MAX_VERDICTS).map((v) => ({ tag: v.tag, outcome: v.outcome, rule: v.rule, ...(v.detail && { detail: v.detail }) })),
      chosen: t.resolution?.tag ?? null,
      note: t.deferred ? 'the request budget of this registry is spent; try again in the next poll cycle' : (t.note ?? null),
      error: t.error ? `${t.error.code}: ${t.error.message}` : report.error ? `${report.error.code}: ${report.error.message}` : null,
    })),
  };
}

export function createExplainer(deps: ExplainDeps): Explainer {
  const kept = new Map<string, { at: number; answer: Promise<CandidatesView> }>();
  return (watch) => {
    const now = deps.clock.now();
    const known = kept.get(watch.name);
    if (known && now - known.at < KEEP_MS) return known.answer;
    const answer = explainOnce(deps, watch);
    kept.set(watch.name, { at: now, answer });
    answer.catch(() => kept.delete(watch.name));
    return answer;
  };
}
