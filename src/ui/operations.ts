// The operations panel of a watch's detail: its log (holds, releases, approvals, promotions: who,
// why, when, until) and the command lines an operator runs to act. The page never acts and never
// sees an operator token: the commands run where the operator's token is (docs/promotion.md, CLI).
import { DEFAULT_ENVIRONMENT } from '../cache/types.ts';
import type { EnvironmentView, OperationCommands, OperationView } from './types.ts';

/**
 * The operations log as the page reads it: records shaped like operations/types.ts OperationRecord
 * (declared here by shape: operations/ already builds on ui/'s secret comparison).
 */
export interface OperationsLogView {
  log(): readonly (OperationView & { readonly watch: string })[];
  readonly revision: number;
}

/** How many of a watch's records the detail shows (the log itself keeps the last 1,000 of all watches). */
export const LOG_SHOWN = 50;

export function operationsOf(reader: Pick<OperationsLogView, 'log'> | undefined, watch: string): OperationView[] {
  if (!reader) return [];
  const mine = reader.log().filter((r) => r.watch === watch);
  return mine.slice(-LOG_SHOWN).reverse().map((r) => ({
    id: r.id, kind: r.kind, environment: r.environment, by: r.by, reason: r.reason, at: r.at,
    ...(r.tag !== undefined && { tag: r.tag }), ...(r.wave !== undefined && { wave: r.wave }), ...(r.until !== undefined && { until: r.until }),
  }));
}

/**
 * Command lines for one environment. Watch, environment and tag names come from the config's and
 * the registry's grammars (no spaces, no shell metacharacters); the reason is left for the operator.
 */
export function commandsFor(watch: string, env: EnvironmentView): OperationCommands {
  const where = env.environment === DEFAULT_ENVIRONMENT ? watch : `${watch} --environment ${env.environment}`;
  const cli = (verb: string, rest = '') => `argocd-image-plugins ${verb} ${where}${rest} --reason "REASON"`;
  const commands = [{ kind: 'hold', line: cli('hold', env.tag ? ` --tag ${env.tag}` : '') + ' --for 2h' }, { kind: 'release', line: cli('release') }];
  const p = env.promotion;
  const pendingTag = p?.pending?.tag;
  if (p && pendingTag) {
    const next = p.waves.find((w) => w.step === 'next');
    if (p.state === 'awaiting-approval' || p.requireApproval) commands.push({ kind: 'approve', line: cli('approve', ` --tag ${pendingTag}${next ? ` --wave ${next.wave}` : ''}`) });
    commands.push({ kind: 'promote', line: cli('promote', ` --tag ${pendingTag}`) });
  }
  return { environment: env.environment, commands };
}
