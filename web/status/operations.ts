// The operations panel of a watch: the log of holds, releases, approvals and promotions (who, why,
// when, until) and the command lines to act. Read-only: the page performs nothing; an operator
// runs the command where their operator token is.
import { h } from '../shared/dom.ts';
import { when } from '../shared/format.ts';
import type { OperationView, WatchDetail } from '../../src/ui/types.ts';
import { commandLine } from './widgets.ts';

function logRow(r: OperationView): HTMLElement {
  const what = [r.tag, r.wave !== undefined ? `wave ${r.wave}` : undefined].filter(Boolean).join(' ');
  return h('tr', { 'data-op': r.id },
    h('th', { scope: 'row', 'data-label': 'When' }, h('time', { datetime: r.at }, when(r.at))),
    h('td', { 'data-label': 'Action' }, r.kind),
    h('td', { 'data-label': 'Environment' }, r.environment),
    h('td', { 'data-label': 'Tag', class: 'tag' }, what || '—'),
    h('td', { 'data-label': 'Who' }, r.by),
    h('td', { 'data-label': 'Why' }, r.reason),
    h('td', { 'data-label': 'Until' }, r.until ? when(r.until) : '—'),
  );
}

export function operationsPanel(d: WatchDetail): HTMLElement {
  const log = d.operations ?? [];
  return h('section', { 'aria-labelledby': 'ops-title', id: 'operations' },
    h('h2', { id: 'ops-title' }, 'Operations'),
    h('p', { class: 'muted' }, 'This page never acts. Run these with your operator token (ARGOCD_IMAGE_PLUGINS_SERVER and ARGOCD_IMAGE_PLUGINS_TOKEN set); replace REASON.'),
    h('ul', { class: 'commands' }, ...(d.commands ?? []).flatMap((c) => c.commands.map((x) =>
      h('li', {}, h('span', { class: 'muted' }, `${c.environment} · ${x.kind} `), commandLine(x.line, `${x.kind}-${c.environment}`, x.kind))))),
    log.length === 0 ? h('p', { class: 'muted', id: 'ops-empty' }, 'No operation recorded for this watch.') : h('table', { class: 'rows', id: 'ops-log' },
      h('caption', { class: 'visually-hidden' }, 'Operations log of this watch, newest first'),
      h('thead', {}, h('tr', {}, ...['When', 'Action', 'Environment', 'Tag', 'Who', 'Why', 'Until'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...log.map(logRow)),
    ),
  );
}
