// The status of one (watch, environment) in the shape the operations API and metrics read
// (operations/types.ts, PromotionView): what waits and for what, and what blocks it. Pure.
import type { PromotionView } from '../operations/types.ts';
import type { PromotionStatus } from '../promotion/types.ts';

export function viewOf(status: PromotionStatus | undefined): PromotionView | undefined {
  if (!status) return undefined;
  const application = /Application ([^\s]+\/[^\s]+)/.exec(status.reason ?? '')?.[1];
  const blocked = status.state === 'blocked' || status.state === 'stale';
  return {
    ...(status.pendingTag !== undefined && { pending: { tag: status.pendingTag, ...(status.wave !== undefined && { wave: status.wave }), since: status.since, waitingFor: status.reason ?? status.state, ...(status.opensAt !== undefined && { opensAt: status.opensAt }) } }),
    ...(blocked && { blocked: { reason: status.reason ?? status.state, since: status.since, ...(application !== undefined && { application }) } }),
    status,
  };
}
