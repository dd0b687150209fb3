// One time budget for a whole CMP command: reading options, walking and reading files, checking a
// kustomization tree, the renderer (which gets what is left as its own timeout), the fallback
// lookup, and the rewrite. argocd-repo-server gives a plugin one budget for all of it (60 s by
// default, ARGOCD_EXEC_TIMEOUT), so a command that overruns it anywhere is cut off from outside;
// stopping ourselves with a clear reason is better. In-process steps call `check` between units
// of work (a directory entry, a file, a document), so no single unit runs unchecked for long: each
// is bounded by the size cap and linear in its size.
import type { Clock } from '../shared/clock.ts';
import { cmpError } from './errors.ts';

export interface Deadline {
  /** Milliseconds left; at least 1 while the budget lasts. */
  remainingMs(step: string): number;
  /** Throws CMP_DEADLINE once the budget is spent, naming the step. */
  check(step: string): void;
}

export function startDeadline(clock: Clock, budgetMs: number): Deadline {
  const end = clock.now() + budgetMs;
  const check = (step: string): void => {
    if (clock.now() >= end) {
      throw cmpError('CMP_DEADLINE', `did not finish within ${budgetMs / 1000} s (ARGOCD_IMAGE_PLUGINS_RENDER_TIMEOUT_SECONDS, the budget of the whole command) and stopped while ${step}`);
    }
  };
  return {
    check,
    remainingMs(step: string): number {
      check(step);
      return Math.max(1, end - clock.now());
    },
  };
}

/** A deadline that never expires, for callers outside a command (tests, benchmarks). */
export const NO_DEADLINE: Deadline = { check: () => {}, remainingMs: () => Number.MAX_SAFE_INTEGER };
