// The status page: polls the state (ETag, 304 when unchanged), renders the overview or one
// watch's detail from the URL fragment, and announces changed references to screen readers.
import { h } from '../shared/dom.ts';
import type { StateView } from '../../src/ui/types.ts';
import { getCandidates, getState, getWatch } from './api.ts';
import { renderCandidates, renderDetail } from './detail.ts';
import { renderList } from './list.ts';
import { renderLogin } from './login.ts';
import { tick } from './clock.ts';

const POLL_MS = 2000;
/** Ages and time left are recomputed here, between polls that answer 304. */
const TICK_MS = 5000;
const main = document.getElementById('main')!;
const freshness = document.getElementById('freshness')!;
const announce = document.getElementById('announce')!;

let etag: string | null = null;
let state: StateView | undefined;
let filter = '';
let page = 0;
let shownRoute = '';
let timer: ReturnType<typeof setTimeout> | undefined;
let candidatesShown: { name: string; element: HTMLElement } | undefined;

function watchFromRoute(): string | undefined {
  const m = /^#\/watch\/(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/** Re-rendering replaces elements; keep the keyboard where it was by element id. */
function replace(content: HTMLElement): void {
  const focused = document.activeElement?.id;
  main.replaceChildren(content);
  if (focused) document.getElementById(focused)?.focus();
}

function changes(before: StateView | undefined, after: StateView): string[] {
  if (!before) return [];
  const old = new Map(before.watches.flatMap((w) => w.environments.map((e) => [`${w.name} ${e.environment}`, e.ref] as const)));
  return after.watches.flatMap((w) => w.environments.filter((e) => old.has(`${w.name} ${e.environment}`) && old.get(`${w.name} ${e.environment}`) !== e.ref).map((e) => `${w.name} (${e.environment}) now serves ${e.tag ?? 'nothing'}`));
}

function listView(s: StateView): HTMLElement {
  const search = h('input', { id: 'filter', type: 'search', value: filter, placeholder: 'watch or image', 'aria-label': 'Filter watches by name or image' });
  search.addEventListener('input', () => {
    filter = search.value;
    page = 0;
    render();
  });
  return h('div', {}, h('p', { class: 'filter' }, h('label', { for: 'filter' }, 'Filter '), search), renderList(s, filter, Date.now(), {
    page,
    go: (to) => {
      page = to;
      render();
    },
  }));
}

async function detailView(name: string): Promise<HTMLElement> {
  const detail = await getWatch(name);
  if (detail.kind !== 'ok') return h('p', { class: 'error' }, detail.kind === 'error' ? detail.message : 'not available');
  // Candidates read the registry: asked once per visit of the detail, not on every state change.
  if (candidatesShown?.name !== name) {
    const element = h('div', { id: 'candidates', 'aria-busy': 'true' }, renderCandidates('asking the registry…'));
    candidatesShown = { name, element };
    void getCandidates(name).then((c) => {
      element.replaceChildren(renderCandidates(c.kind === 'ok' ? c.value : c.kind === 'error' ? c.message : 'not available'));
      element.removeAttribute('aria-busy');
    });
  }
  return renderDetail(detail.value, candidatesShown.element, Date.now());
}

function render(): void {
  if (!state) return;
  const watch = watchFromRoute();
  if (watch === undefined) replace(listView(state));
  else void detailView(watch).then((view) => replace(view));
}

async function poll(): Promise<void> {
  const answer = await getState(etag);
  if (answer.kind === 'login') {
    clearTimeout(timer);
    state = undefined;
    etag = null;
    freshness.textContent = 'signed out';
    main.replaceChildren(renderLogin(answer.message, () => void poll()));
    return;
  }
  if (answer.kind === 'error') freshness.textContent = `not updated: ${answer.message}`;
  if (answer.kind === 'ok') {
    const said = changes(state, answer.value);
    state = answer.value;
    etag = answer.etag;
    if (said.length > 0) announce.textContent = said.slice(0, 5).join('; ');
    render();
    shownRoute = location.hash;
  }
  if (state) freshness.textContent = `${state.watches.length} watches · updated ${new Date().toLocaleTimeString()}`;
  clearTimeout(timer);
  timer = setTimeout(() => void poll(), document.hidden ? POLL_MS * 5 : POLL_MS);
}

window.addEventListener('hashchange', () => {
  if (location.hash === shownRoute) return;
  shownRoute = location.hash;
  candidatesShown = undefined;
  render();
  main.focus();
});
void poll();
setInterval(() => tick(Date.now()), TICK_MS);
