// Pieces used on several views: badges, the copyable resolve command, the budget sparkline.
import { h, svg } from '../shared/dom.ts';
import type { Badge, BudgetSample } from '../../src/ui/types.ts';

export function badges(list: readonly Badge[]): HTMLElement {
  if (list.length === 0) return h('span', { class: 'badge ok' }, 'current');
  return h('span', { class: 'badges' }, ...list.map((b) => h('span', { class: `badge ${b.kind}`, title: b.reason }, b.kind, h('span', { class: 'reason' }, `: ${b.reason}`))));
}

/** A command line with a button that copies it (keyboard reachable). */
export function commandLine(command: string, id: string, what = 'resolve'): HTMLElement {
  const code = h('code', { id: `cmd-${id}` }, command);
  const button = h('button', {
    type: 'button',
    id: `copy-${id}`,
    class: 'copy',
    'aria-label': `Copy the ${what} command for ${id}`,
    onclick: () => {
      void navigator.clipboard?.writeText(command).then(
        () => (button.textContent = 'Copied'),
        () => window.getSelection()?.selectAllChildren(code),
      );
    },
  }, 'Copy');
  return h('span', { class: 'command' }, code, button);
}

const HOUR_MS = 3_600_000;

/**
 * Budget used over the last hour as a step chart (a sample holds until the next one), with a text
 * summary for screen readers. Samples are the changes only, so x is their time, not their index.
 */
export function sparkline(samples: readonly BudgetSample[], budget: number, label: string, now: number): HTMLElement {
  const width = 160;
  const height = 28;
  const top = Math.max(budget, ...samples.map((s) => s.used), 1);
  const start = now - HOUR_MS;
  const x = (at: number): number => Math.round((Math.min(Math.max(at, start), now) - start) / HOUR_MS * width * 10) / 10;
  const y = (used: number): number => Math.round((height - (used / top) * (height - 2) - 1) * 10) / 10;
  const points: string[] = [];
  samples.forEach((s, i) => {
    if (i > 0) points.push(`${x(s.at)},${y(samples[i - 1]!.used)}`);
    points.push(`${x(s.at)},${y(s.used)}`);
  });
  if (samples.length > 0) points.push(`${width},${y(samples.at(-1)!.used)}`);
  const last = samples.at(-1)?.used ?? 0;
  const baseline = svg('line', { x1: 0, y1: height - 1, x2: width, y2: height - 1, stroke: '#d0d7de', 'stroke-width': 1 });
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'spark', 'aria-hidden': 'true' }, baseline, svg('polyline', { points: points.join(' '), fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 }));
  return h('span', { class: 'budget', role: 'img', 'aria-label': `${label}: ${last} of ${budget || 'unlimited'} requests used in this cycle` }, chart, h('span', { class: 'muted' }, ` ${last}/${budget || '∞'}`));
}
