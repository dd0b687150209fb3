// Human output of what promotion decides, for `resolve`: per watch and environment the candidate,
// what each wave is served, the gate's state (blocked: which Application, which state, since when;
// a soak or a pause and when it ends; an approval awaited) and the holds, approvals and promotions
// in effect with who, why, when and until. Pure: the time is given.
import type { EnvironmentPolicy } from '../../config/types.ts';
import type { OperationRecord } from '../../operations/types.ts';
import type { PromotionStatus } from '../../promotion/types.ts';
import type { ExplainedRow, PromotionExplanation } from './promotion-rows.ts';

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const parts = [[Math.floor(s / 86_400), 'd'], [Math.floor((s % 86_400) / 3600), 'h'], [Math.floor((s % 3600) / 60), 'm'], [s % 60, 's']] as const;
  const shown = parts.filter(([n]) => n > 0).slice(0, 2).map(([n, u]) => `${n}${u}`);
  return shown.length > 0 ? shown.join(' ') : '0s';
}

export function describePolicy(policy: EnvironmentPolicy | undefined): string {
  const out: string[] = [];
  const p = policy?.promotion;
  if (p) out.push(`follows ${p.from}, soak ${duration(p.soakMs)}${p.requireHealthy ? ' Synced and Healthy' : ''}${p.requireApproval ? ', approval required' : ''}`);
  const r = policy?.rollout;
  if (r) out.push(`${r.waves.length} waves, pause ${duration(r.pauseMs)}${r.requireHealthy ? ' Synced and Healthy' : ''}`);
  return out.length > 0 ? out.join('; ') : 'no promotion or rollout';
}

function header(e: PromotionExplanation): string {
  if (e.source === 'service') return `# promotion and operations, as the service at ${e.from} decides them${e.at ? ` (${e.at})` : ''}`;
  if (e.source === 'cache') return `# promotion and operations, as saved in ${e.from}${e.at ? ` at ${e.at}` : ''}: the gates as the service last evaluated them (resolve reads no Applications; --server URL shows the live state)`;
  return '# promotion: resolve reads neither the service\'s promotion state nor the Argo CD Applications, so only the config and the candidates are shown; add --server URL (the running service, operator token) or --cache FILE (its saved state)';
}

/** What each wave (or the whole environment) is served: waves 1..wave run `pending` while a rollout is under way. */
function servedLines(s: PromotionStatus): string[] {
  const rolling = s.pendingTag !== undefined && s.wave !== undefined && s.waves !== undefined && s.wave < s.waves;
  if (s.waves === undefined || s.wave === undefined) return [`  served     ${s.servedTag} to every cluster${s.pendingTag ? `; ${s.pendingTag} waits at the gate` : ''}`];
  const out: string[] = [];
  for (let w = 1; w <= s.waves; w++) out.push(`  wave ${w}/${s.waves}   ${rolling && w <= s.wave ? `${s.pendingTag} (rolling out)` : s.servedTag}`);
  if (!rolling && s.pendingTag) out.push(`  pending    ${s.pendingTag} waits at the gate (no wave runs it yet)`);
  return out;
}

function stateLines(s: PromotionStatus, now: number): string[] {
  const out = [`  state      ${s.state} since ${s.since}${s.reason ? `: ${s.reason}` : ''}`];
  if (s.opensAt !== undefined) out.push(`  opens at   ${s.opensAt} (${Date.parse(s.opensAt) > now ? `in ${duration(Date.parse(s.opensAt) - now)}` : 'due now'}, if nothing changes)`);
  return out;
}

function operation(verb: string, r: OperationRecord): string {
  const what = [r.tag, r.wave !== undefined ? `wave ${r.wave}` : undefined].filter(Boolean).join(' ') || '(the next move)';
  return `  ${verb} ${what} by ${r.by} at ${r.at}${r.until ? ` until ${r.until}` : ''}: ${r.reason}`;
}

function rowLines(row: ExplainedRow, policy: EnvironmentPolicy | undefined, now: number): string[] {
  const out = [`${row.watch} (${row.environment})  ${describePolicy(policy)}`, `  candidate  ${row.candidate?.tag ?? '(none resolved)'}`];
  if (row.promotion) out.push(...servedLines(row.promotion), ...stateLines(row.promotion, now));
  const h = row.held;
  if (h) out.push(`  held at ${h.tag ?? '(what is served)'} ${h.source === 'config' ? 'by the config' : `by ${h.by} at ${h.at}`}${h.until ? ` until ${h.until}` : ''}: ${h.reason}`);
  out.push(...row.approvals.map((r) => operation('approved', r)), ...row.promotions.map((r) => operation('promoted', r)));
  return out;
}

export function renderPromotion(e: PromotionExplanation, policies: Readonly<Record<string, EnvironmentPolicy>>, now: number): string {
  const out = [header(e)];
  if (e.error) out.push(`  ✗ ${e.error.code}: ${e.error.message} (shown: the config's view only)`);
  for (const row of e.rows) out.push(...rowLines(row, Object.hasOwn(policies, row.environment) ? policies[row.environment] : undefined, now), '');
  if (e.rows.length === 0) out.push('  no environment with a promotion, a rollout, a hold or an operation', '');
  return out.join('\n');
}
