// The promotion state as part of the shared state of several replicas: what each environment and
// wave is served, since when, and the gate timestamps (promotion/types.ts, EnvironmentState). The
// leader stages the state its engine computed and it becomes durable, like a resolution, only once
// the revision holding it is published; followers load it from every revision they follow and serve
// it, so a new leader resumes exactly where the old one stopped (never earlier, never further).
import { parsePromotionState } from '../promotion/state-codec.ts';
import type { PromotionState } from '../promotion/types.ts';
import type { Logger } from '../shared/log.ts';

export interface SharedPromotion {
  /** The durable state (loaded from the shared state, or committed by this leader); undefined before any. */
  current(): PromotionState | undefined;
  /** Called when `current` came from the shared state or this replica's role changed. */
  onChange(listener: () => void): () => void;
  /** The state the next revision carries: staged, else the durable one. */
  writing(): PromotionState | undefined;
  stage(state: PromotionState): void;
  /** Marks `state` (what a published revision carried) durable. */
  commit(state: PromotionState | undefined): void;
  /** A revision's `promotion` (unknown until checked); a malformed one keeps the last good state. */
  load(value: unknown): void;
  /** Tells the listeners the replica's role changed. */
  changed(): void;
}

export function createSharedPromotion(logger: Logger): SharedPromotion {
  let durable: PromotionState | undefined;
  let staged: PromotionState | undefined;
  const listeners = new Set<() => void>();
  const changed = (): void => listeners.forEach((l) => l());
  return {
    current: () => durable,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    writing: () => staged ?? durable,
    stage(state) {
      staged = state;
    },
    commit(state) {
      if (state === undefined) return;
      durable = state;
      if (staged === state) staged = undefined;
    },
    load(value) {
      if (value === undefined) return;
      const state = parsePromotionState(value);
      if (!state) return void logger.error('the shared promotion state is malformed; keeping the last good one');
      durable = state;
      staged = undefined;
      changed();
    },
    changed,
  };
}
