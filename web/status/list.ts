// The overview: every watch per environment, then the registries.
import { h } from '../shared/dom.ts';
import { age, shortDigest, when } from '../shared/format.ts';
import type { RegistryView, StateView, WatchView } from '../../src/ui/types.ts';
import { pendingNote, waveRows } from './promotion.ts';
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

function registryRow(r: RegistryView, now: number): HTMLElement {
  return h('tr', {},
    h('th', { scope: 'row', 'data-label': 'Registry' }, r.host),
    h('td', { 'data-label': 'Last scan' }, when(r.lastScanAt)),
    h('td', { 'data-label': 'Last error' }, r.lastError ? h('span', { class: 'error' }, `${r.lastError.code}: ${r.lastError.message} (${when(r.lastError.at)})`) : 'none'),
    h('td', { 'data-label': 'Budget use' }, sparkline(r.samples, r.budget, `Request budget of ${r.host}`, now)),
  );
}

export function renderList(state: StateView, filter: string, now: number): HTMLElement {
  const wanted = filter.trim().toLowerCase();
  const shown = state.watches.filter((w) => !wanted || w.name.toLowerCase().includes(wanted) || w.image.toLowerCase().includes(wanted));
  return h('div', {},
    h('section', { 'aria-labelledby': 'watches-title' },
      h('h2', { id: 'watches-title' }, `Watches (${shown.length} of ${state.watches.length})`),
      h('table', { class: 'rows', id: 'watches' },
        h('caption', { class: 'visually-hidden' }, 'Every watch per environment: what is served and its state'),
        h('thead', {}, h('tr', {}, ...['Watch', 'Environment', 'Tag', 'Reference', 'Digest', 'Age', 'Platforms', 'Status', 'Explain'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...shown.flatMap((w) => watchRows(w, now))),
      ),
    ),
    h('section', { 'aria-labelledby': 'registries-title' },
      h('h2', { id: 'registries-title' }, 'Registries'),
      h('table', { class: 'rows', id: 'registries' },
        h('thead', {}, h('tr', {}, ...['Registry', 'Last scan', 'Last error', 'Budget use'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...state.registries.map((r) => registryRow(r, now))),
      ),
      h('p', { class: 'muted' }, `${state.clusters.count} clusters known${state.clusters.error ? ` — inventory error: ${state.clusters.error}` : ''}`),
    ),
  );
}
