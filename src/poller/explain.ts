// Text rendering of scan reports for `argocd-image-plugins resolve`: every candidate tag, which
// rule removed it, the winner, its digest and platforms. Pure.
import type { ScanReport, TargetReport } from './scan.ts';
import { isOciTag } from '../image/reference.ts';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** A listed name as printed: valid tags as they are; anything else quoted and cut (it may hold control characters). */
function shownTag(tag: string): string {
  return isOciTag(tag) ? tag : JSON.stringify(tag.length > 38 ? `${tag.slice(0, 37)}…` : tag);
}

function renderTarget(image: string, t: TargetReport, verbose: boolean): string[] {
  const lines = [`${t.watch} (${t.environment})  ${image}`];
  const tagWidth = Math.min(40, Math.max(3, ...t.verdicts.map((v) => shownTag(v.tag).length)));
  const shown = verbose ? t.verdicts : t.verdicts.slice(0, 50);
  if (shown.length > 0) lines.push(`  ${pad('TAG', tagWidth)}  ${pad('VERDICT', 9)}  RULE`);
  for (const v of shown) lines.push(`  ${pad(shownTag(v.tag), tagWidth)}  ${pad(v.outcome, 9)}  ${v.rule}${v.detail ? `: ${v.detail}` : ''}`);
  if (shown.length < t.verdicts.length) lines.push(`  … ${t.verdicts.length - shown.length} more (use --all)`);
  if (t.resolution) {
    lines.push(`  → ${t.resolution.ref}`);
    lines.push(`    digest ${t.resolution.digest}  platforms ${t.resolution.platforms.join(', ') || '-'}${t.resolution.created ? `  created ${t.resolution.created}` : ''}${t.resolution.pushedAt ? `  pushed ${t.resolution.pushedAt}` : ''}`);
  }
  if (t.note) lines.push(`  note: ${t.note}`);
  if (t.error) lines.push(`  ✗ ${t.error.code}: ${t.error.message}`);
  return lines;
}

export function renderReports(reports: readonly ScanReport[], options: { verbose: boolean }): string {
  const out: string[] = [];
  for (const r of reports) {
    const auth = r.auth === undefined ? '' : ` [auth: ${r.auth}]`;
    if (r.listing) out.push(`# ${r.image}: ${r.listing.tags.length} tags in ${r.listing.pages} page(s)${r.listing.complete ? '' : ' (INCOMPLETE list)'}${auth}`);
    else if (r.error) out.push(`# ${r.image}: ✗ ${r.error.code}: ${r.error.message}${auth}`);
    for (const t of r.targets) out.push(...renderTarget(r.image, t, options.verbose), '');
  }
  return out.join('\n');
}
