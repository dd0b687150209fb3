// The overview: every watch per environment, a page of watches at a time (a thousand rows at once
// took seconds to lay out on a busy machine), then the registries.
import { h } from '../shared/dom.ts';
import { age, shortDigest, when } from '../shared/format.ts';
import type { RegistryView, StateView, WatchView } from '../../src/ui/types.ts';
import { pendingNote, waveRows } from './promotion.ts';
import { remaining } from '../shared/promotion.ts';
import { badges, commandLine, sparkline } from './widgets.ts';
import { timed } from './clock.ts';

function watchRows(w: WatchView, now: number): HTMLElement[] {
  return w.environments.flatMap((e, i) => {
    const id = `${w.name}-${e.environment}`;
    return [h('tr', { 'data-row': id },
      h('th', { scope: 'row', 'data-label': 'Watch' }, i === 0 ? h('a', { href: `#/watch/${encodeURIComponent(w.name)}` }, w.name) : h('span', { class: 'muted' }, w.name)),
      h('td', { 'data-label': 'Environment' }, e.environment),
      h('td', { 'data-label': 'Tag', class: 'tag' }, e.tag ?? '—'),
      h('td', { 'data-label': 'Reference', class: 'ref', title: e.ref ?? '' }, e.ref ? e.ref.split('@')[0]! : 'not resolved'),
      h('td', { 'data-label': 'Digest', class: 'mono' }, shortDigest(e.digest)),
      timed(h('td', { 'data-label': 'Age', title: when(e.resolvedAt) }), (t) => age(e.resolvedAt, t), now),
      h('td', { 'data-label': 'Platforms' }, e.platforms.join(', ') || '—'),
      h('td', { 'data-label': 'Status' }, badges(e.badges), pendingNote(e, now)),
      h('td', { 'data-label': 'Explain' }, commandLine(e.resolveCommand, id)),
    ), ...waveRows(w.name, e, now)];
  });
}

const span = (seconds: number): string => (seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`);

/** "registry 1/100 per 6 h · waiting until … · 1× 429": each window, whether requests wait, refusals. */
function limitsText(r: RegistryView, now: number): string {
  const l = r.limits;
  if (!l) return '—';
  const until = l.waiting.until ? Date.parse(l.waiting.until) : 0;
  const wait = until > now ? `${l.waiting.state}, next request ${remaining(l.waiting.until, now)} (${when(l.waiting.until)})` : l.waiting.state === 'budget-spent' ? 'poll cycle budget spent' : 'ready';
  const parts = [...l.windows.map((w) => `${w.window} ${w.remaining}/${w.limit} per ${span(w.windowSeconds)}`), wait];
  if (l.refused > 0) parts.push(`${l.refused}× 429`);
  return parts.join(' · ');
}

function registryRow(r: RegistryView, now: number): HTMLElement {
  return h('tr', {},
    h('th', { scope: 'row', 'data-label': 'Registry' }, r.host),
    h('td', { 'data-label': 'Last scan' }, when(r.lastScanAt)),
    h('td', { 'data-label': 'Last error' }, r.lastError ? h('span', { class: 'error' }, `${r.lastError.code}: ${r.lastError.message} (${when(r.lastError.at)})`) : 'none'),
    h('td', { 'data-label': 'Budget use' }, sparkline(r.samples, r.budget, `Request budget of ${r.host}`, now)),
    timed(h('td', { 'data-label': 'Rate limit', class: 'limits' }), (t) => limitsText(r, t), now),
  );
}

/** Watches per page: a few screens of rows (up to five a watch with waves). */
export const PAGE_SIZE = 25;

/** Which page of the filtered watches is shown, and how to show another. */
export interface Paging {
  readonly page: number;
  readonly go: (page: number) => void;
}

function pager(page: number, pages: number, total: number, go: (page: number) => void): HTMLElement {
  const first = page * PAGE_SIZE + 1;
  const last = Math.min(total, (page + 1) * PAGE_SIZE);
  // aria-disabled, not disabled: the button keeps the keyboard focus on the first and the last page.
  const button = (id: string, text: string, to: number, label: string) => {
    const off = to < 0 || to >= pages;
    return h('button', { type: 'button', id, class: 'page', 'aria-disabled': off ? 'true' : undefined, 'aria-label': label, onclick: () => off || go(to) }, text);
  };
  return h('nav', { class: 'pager', 'aria-label': 'Pages of watches' },
    button('page-prev', '← Previous', page - 1, `Previous ${PAGE_SIZE} watches`),
    h('span', { id: 'page-range' }, total === 0 ? 'no watch matches' : `watches ${first}–${last} of ${total} · page ${page + 1} of ${pages}`),
    button('page-next', 'Next →', page + 1, `Next ${PAGE_SIZE} watches`),
  );
}

export function renderList(state: StateView, filter: string, now: number, paging: Paging): HTMLElement {
  const wanted = filter.trim().toLowerCase();
  const matching = state.watches.filter((w) => !wanted || w.name.toLowerCase().includes(wanted) || w.image.toLowerCase().includes(wanted));
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const page = Math.min(Math.max(0, paging.page), pages - 1);
  const shown = matching.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  return h('div', {},
    h('section', { 'aria-labelledby': 'watches-title' },
      h('h2', { id: 'watches-title' }, `Watches (${matching.length} of ${state.watches.length})`),
      pages > 1 ? pager(page, pages, matching.length, paging.go) : null,
      h('table', { class: 'rows', id: 'watches' },
        h('caption', { class: 'visually-hidden' }, 'Every watch per environment: what is served and its state'),
        h('thead', {}, h('tr', {}, ...['Watch', 'Environment', 'Tag', 'Reference', 'Digest', 'Age', 'Platforms', 'Status', 'Explain'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...shown.flatMap((w) => watchRows(w, now))),
      ),
    ),
    h('section', { 'aria-labelledby': 'registries-title' },
      h('h2', { id: 'registries-title' }, 'Registries'),
      h('table', { class: 'rows', id: 'registries' },
        h('thead', {}, h('tr', {}, ...['Registry', 'Last scan', 'Last error', 'Budget use', 'Rate limit'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...state.registries.map((r) => registryRow(r, now))),
      ),
      h('p', { class: 'muted' }, `${state.clusters.count} clusters known${state.clusters.error ? ` — inventory error: ${state.clusters.error}` : ''}`),
    ),
  );
}
