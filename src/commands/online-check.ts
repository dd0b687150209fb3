// `check-config --online`: resolve every watch (each environment) against its registry, now, and
// say for each whether it resolves. A watch that never resolves makes every ApplicationSet that
// does not list `images` answer 503 (docs/generator.md), so this is the check to run before a
// config ships.
import type { Config } from '../config/types.ts';
import { createLogger } from '../shared/log.ts';
import type { TargetReport } from '../poller/scan.ts';
import { scanAll } from './scan-all.ts';

export interface OnlineResult {
  readonly lines: readonly string[];
  /** Watch names with at least one environment that does not resolve, sorted. */
  readonly failed: readonly string[];
}

function describe(t: TargetReport): { ok: boolean; text: string } {
  const head = `${t.watch} (${t.environment})`;
  if (t.resolution && !t.error) return { ok: true, text: `${head}: resolves to ${t.resolution.ref}` };
  const hint = `argocd-image-plugins resolve --watch ${t.watch} explains every tag`;
  if (t.error) return { ok: false, text: `${head}: does not resolve: ${t.error.code}: ${t.error.message} (${hint})` };
  if (t.deferred) return { ok: false, text: `${head}: not checked: the registry's requestBudget ran out first (raise registries[].requestBudget)` };
  return { ok: false, text: `${head}: does not resolve${t.note ? `: ${t.note}` : ''} (${hint})` };
}

export async function checkOnline(config: Config): Promise<OnlineResult> {
  // Registry faults are in the result; retries and the like only with LOG_LEVEL=warn or lower.
  const logger = createLogger({ destination: 2, level: process.env.LOG_LEVEL ?? 'error' });
  const reports = await scanAll(config, { logger });
  const lines: string[] = [];
  const failed = new Set<string>();
  for (const target of reports.flatMap((r) => r.targets)) {
    const { ok, text } = describe(target);
    lines.push(text);
    if (!ok) failed.add(target.watch);
  }
  return { lines, failed: [...failed].sort() };
}
