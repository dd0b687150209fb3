// Progressive delivery on the status page: each wave of an environment as a row under it, and in a
// watch's detail the promotion path (from → to, soak or pause left, gate state) per environment.
import { h } from '../shared/dom.ts';
import { age, shortDigest, when } from '../shared/format.ts';
import { gateText, pendingText, remaining } from '../shared/promotion.ts';
import { timed } from './clock.ts';
import type { EnvironmentView, PromotionEnvView, WatchDetail, WaveView } from '../../src/ui/types.ts';

const STEP: Record<WaveView['step'], string> = { idle: 'serves the environment’s reference', done: 'runs the reference rolling out', next: 'next to move', later: 'after the next wave' };

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

/** Under an environment row: one row per wave, with what its clusters are served now. */
export function waveRows(watch: string, e: EnvironmentView, now: number): HTMLElement[] {
  const p = e.promotion;
  if (!p || p.waves.length === 0) return [];
  return p.waves.map((w) => {
    const note = (t: number): string => (w.step === 'next' && p.pending ? `${p.pending.tag ?? ''}: ${gateText(p, t)}` : STEP[w.step]);
    return h('tr', { 'data-row': `${watch}-${e.environment}-wave${w.wave}`, class: `wave ${w.step}` },
      h('th', { scope: 'row', 'data-label': 'Watch' }, h('span', { class: 'visually-hidden' }, watch)),
      h('td', { 'data-label': 'Environment' }, `${e.environment} · wave ${w.wave}/${p.waves.length}`),
      h('td', { 'data-label': 'Tag', class: 'tag' }, w.tag ?? '—'),
      h('td', { 'data-label': 'Reference', class: 'ref', title: w.ref ?? '' }, w.ref ? w.ref.split('@')[0]! : 'not resolved'),
      h('td', { 'data-label': 'Digest', class: 'mono' }, shortDigest(w.digest)),
      timed(h('td', { 'data-label': 'Age', title: when(w.resolvedAt) }), (t) => age(w.resolvedAt, t), now),
      h('td', { 'data-label': 'Platforms' }, `${w.clusters} cluster${w.clusters === 1 ? '' : 's'}`),
      timed(h('td', { 'data-label': 'Status', class: 'step' }), note, now),
      h('td', { 'data-label': 'Explain' }, ''),
    );
  });
}

/** Under the badges of an environment row: what is pending there and for what. */
export function pendingNote(e: EnvironmentView, now: number): HTMLElement | null {
  const promotion = e.promotion;
  if (!pendingText(promotion, now)) return null;
  return timed(h('span', { class: 'pending' }), (t) => pendingText(promotion, t) ?? '', now);
}

function pathCard(e: EnvironmentView, p: PromotionEnvView, now: number): HTMLElement {
  const rules = [p.soakSeconds !== null ? `soak ${duration(p.soakSeconds)}` : null, p.pauseSeconds !== null ? `pause ${duration(p.pauseSeconds)} between waves` : null, p.requireApproval ? 'approval required' : null].filter(Boolean).join(' · ');
  return h('li', { class: 'card', 'data-path': e.environment },
    h('h3', {}, `${p.from ?? '(first)'} → ${e.environment}`),
    h('p', { class: 'muted' }, rules || 'no gate'),
    h('p', {}, `serves ${e.tag ?? '—'}`, p.pending ? `; pending ${p.pending.tag ?? p.pending.ref}` : ''),
    timed(h('p', { class: `gate ${p.state}` }), (t) => `gate: ${gateText(p, t)}`, now),
    p.opensAt ? timed(h('p', {}), (t) => `opens ${remaining(p.opensAt, t)} (${when(p.opensAt)})`, now) : null,
    p.reason ? h('p', { class: 'muted reason-text' }, p.reason) : null,
    p.since ? h('p', { class: 'muted' }, `since ${when(p.since)}`) : null,
  );
}

export function promotionPath(d: WatchDetail, now: number): HTMLElement | null {
  const promoted = d.watch.environments.filter((e) => e.promotion);
  if (promoted.length === 0) return null;
  return h('section', { 'aria-labelledby': 'path-title' },
    h('h2', { id: 'path-title' }, 'Promotion path'),
    h('ul', { class: 'cards', id: 'promotion-path' }, ...promoted.map((e) => pathCard(e, e.promotion!, now))),
  );
}
