// Human output of the operations commands. Pure. Everything shown came from the service and is
// printed as text (no terminal control sequences: the service refuses them in reasons, and tags and
// names have grammars without them).
import type { OperationRecord } from '../../operations/types.ts';

function line(r: OperationRecord): string {
  const what = [r.kind, r.tag, r.wave !== undefined ? `wave ${r.wave}` : undefined].filter(Boolean).join(' ');
  const until = r.until ? ` until ${r.until}` : '';
  return `${r.at}  ${what}  by ${r.by}${until}: ${r.reason}`;
}

export function formatRecord(record: OperationRecord): string {
  return `${record.kind} recorded for ${record.watch}/${record.environment}\n  ${line(record)}\n  id ${record.id}\n`;
}

interface StatusRow {
  readonly watch: string;
  readonly environment: string;
  readonly served: { readonly tag: string } | null;
  readonly held: { readonly tag: string; readonly by: string | null; readonly reason: string; readonly until: string | null; readonly source: string } | null;
  readonly pending: { readonly tag: string; readonly wave?: number; readonly waitingFor: string } | null;
  readonly blocked: { readonly reason: string; readonly since: string } | null;
  readonly approvals: readonly OperationRecord[];
  readonly promotions: readonly OperationRecord[];
  readonly log: readonly OperationRecord[];
}

function rowLines(row: StatusRow): string[] {
  const out = [`${row.watch}/${row.environment}: serves ${row.served?.tag ?? '(nothing yet)'}`];
  if (row.held) out.push(`  held at ${row.held.tag} (${row.held.source === 'config' ? 'config' : `by ${row.held.by}`}${row.held.until ? `, until ${row.held.until}` : ''}): ${row.held.reason}`);
  if (row.pending) out.push(`  pending ${row.pending.tag}${row.pending.wave !== undefined ? ` (wave ${row.pending.wave})` : ''}: waiting for ${row.pending.waitingFor}`);
  if (row.blocked) out.push(`  blocked since ${row.blocked.since}: ${row.blocked.reason}`);
  for (const a of row.approvals) out.push(`  approved ${a.tag ?? '(next move)'}${a.wave !== undefined ? ` wave ${a.wave}` : ''} by ${a.by}: ${a.reason}`);
  for (const p of row.promotions) out.push(`  promoted ${p.tag} by ${p.by}: ${p.reason}`);
  if (row.log.length > 0) out.push('  log:', ...row.log.slice(-5).map((r) => `    ${line(r)}`));
  return out;
}

export function formatStatus(body: { status?: unknown }): string {
  const rows = Array.isArray(body.status) ? (body.status as StatusRow[]) : [];
  if (rows.length === 0) return 'no watch matches\n';
  return `${rows.flatMap(rowLines).join('\n')}\n`;
}
