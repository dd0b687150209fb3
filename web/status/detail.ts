// One watch: its environments, candidate tags with verdicts, the history timeline, the clusters.
import { h } from '../shared/dom.ts';
import { age, shortDigest, when } from '../shared/format.ts';
import type { CandidatesView, ClusterServed, WatchDetail } from '../../src/ui/types.ts';
import { operationsPanel } from './operations.ts';
import { pendingNote, promotionPath } from './promotion.ts';
import { badges, commandLine } from './widgets.ts';
import { timed } from './clock.ts';

function environments(d: WatchDetail, now: number): HTMLElement {
  return h('section', { 'aria-labelledby': 'env-title' },
    h('h2', { id: 'env-title' }, 'Environments'),
    h('ul', { class: 'cards' }, ...d.watch.environments.map((e) =>
      h('li', { class: 'card' },
        h('h3', {}, e.environment),
        h('p', { class: 'ref' }, e.ref ?? 'not resolved'),
        timed(h('p', {}), (t) => `tag ${e.tag ?? '—'} · ${shortDigest(e.digest)} · ${age(e.resolvedAt, t)} old · ${e.platforms.join(', ') || 'no platforms'}`, now),
        h('p', { class: 'muted' }, `policy: ${e.policy}`),
        badges(e.badges),
        pendingNote(e, now),
        h('p', {}, commandLine(e.resolveCommand, `detail-${e.environment}`)),
      ))),
  );
}

export function renderCandidates(c: CandidatesView | string): HTMLElement {
  if (typeof c === 'string') return h('p', { class: 'muted' }, c);
  return h('div', {}, h('p', { class: 'muted' }, `checked ${when(c.checkedAt)}`), ...c.candidates.map((t) =>
    h('div', { class: 'candidates' },
      h('h3', {}, `${t.environment}: ${t.chosen ? `chooses ${t.chosen}` : 'nothing chosen'}`),
      t.note ? h('p', { class: 'muted' }, t.note) : null,
      t.error ? h('p', { class: 'error' }, t.error) : null,
      h('table', { class: 'rows' },
        h('thead', {}, h('tr', {}, ...['Tag', 'Verdict', 'Rule'].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, ...t.verdicts.map((v) => h('tr', {},
          h('th', { scope: 'row', 'data-label': 'Tag' }, v.tag),
          h('td', { 'data-label': 'Verdict' }, h('span', { class: `verdict ${v.outcome}` }, v.outcome)),
          h('td', { 'data-label': 'Rule' }, `${v.rule}${v.detail ? `: ${v.detail}` : ''}`),
        ))),
      ),
    )));
}

function timeline(d: WatchDetail): HTMLElement {
  return h('section', { 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'),
    d.history.length === 0 ? h('p', { class: 'muted' }, 'nothing resolved yet') : h('ol', { class: 'timeline' }, ...d.history.map((x) =>
      h('li', {}, h('time', { datetime: x.resolvedAt }, when(x.resolvedAt)), h('span', { class: 'tag' }, ` ${x.environment}: ${x.tag} `), h('span', { class: 'mono muted' }, shortDigest(x.digest))))),
  );
}

/** Clusters by environment, then wave, then name: the order a rollout reaches them. */
function byPlace(a: ClusterServed, b: ClusterServed): number {
  return a.environment.localeCompare(b.environment) || (a.wave ?? 0) - (b.wave ?? 0) || a.name.localeCompare(b.name);
}

function clusters(d: WatchDetail): HTMLElement {
  return h('section', { 'aria-labelledby': 'clusters-title' },
    h('h2', { id: 'clusters-title' }, `Clusters (${d.clusters.length})`),
    h('table', { class: 'rows', id: 'clusters' },
      h('thead', {}, h('tr', {}, ...['Cluster', 'Environment', 'Platforms', 'Wave', 'Served', 'Note'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ...[...d.clusters].sort(byPlace).map((c) => h('tr', { 'data-cluster': c.name },
        h('th', { scope: 'row', 'data-label': 'Cluster' }, c.name),
        h('td', { 'data-label': 'Environment' }, c.environment),
        h('td', { 'data-label': 'Platforms' }, c.platforms.join(', ') || 'any'),
        h('td', { 'data-label': 'Wave' }, c.wave ? String(c.wave) : '—'),
        h('td', { 'data-label': 'Served', class: 'ref' }, c.ref ?? 'nothing'),
        h('td', { 'data-label': 'Note' }, [c.problem, c.waiting].filter(Boolean).join('; ')),
      ))),
    ),
  );
}

export function renderDetail(d: WatchDetail, candidates: HTMLElement, now: number): HTMLElement {
  return h('div', {},
    h('p', {}, h('a', { href: '#/' }, '← All watches')),
    h('h2', { class: 'title', id: 'detail-title' }, `${d.watch.name} `, h('span', { class: 'muted' }, d.watch.image)),
    environments(d, now),
    promotionPath(d, now),
    clusters(d),
    operationsPanel(d),
    h('section', { 'aria-labelledby': 'cand-title' }, h('h2', { id: 'cand-title' }, 'Candidate tags'), candidates),
    timeline(d),
  );
}
