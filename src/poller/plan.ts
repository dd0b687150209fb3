// Groups every (watch, environment) by the repository it reads, so each repository is listed once
// per interval however many watches, environments and clusters use it. Pure.
import type { Config, Hold, SelectionRule, Watch } from '../config/types.ts';
import { DEFAULT_ENVIRONMENT, entryKey } from '../cache/types.ts';

export interface Target {
  readonly watch: Watch;
  readonly environment: string;
  readonly rule: SelectionRule;
  readonly hold?: Hold;
}

export interface RepositoryPlan {
  /** `registry/repository` */
  readonly image: string;
  readonly registry: string;
  readonly repository: string;
  readonly targets: readonly Target[];
}

export function planRepositories(config: Config): RepositoryPlan[] {
  const byImage = new Map<string, { registry: string; repository: string; targets: Target[] }>();
  for (const watch of config.watches) {
    let plan = byImage.get(watch.image);
    if (!plan) byImage.set(watch.image, (plan = { registry: watch.registry, repository: watch.repository, targets: [] }));
    const envs: Array<[string, SelectionRule]> = [[DEFAULT_ENVIRONMENT, watch.rule], ...Object.entries(watch.environments)];
    for (const [environment, rule] of envs) {
      const hold = watch.holds[environment];
      plan.targets.push({ watch, environment, rule, ...(hold && { hold }) });
    }
  }
  return [...byImage].map(([image, p]) => ({ image, ...p }));
}

/** Cache keys of every target in the config (to drop entries of removed watches). */
export function targetKeys(plans: readonly RepositoryPlan[]): Set<string> {
  return new Set(plans.flatMap((p) => p.targets.map((t) => entryKey(t.watch.name, t.environment))));
}
