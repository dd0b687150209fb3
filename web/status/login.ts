// Sign-in with the viewer token. The token goes to the service once; the service answers with an
// HttpOnly cookie, so no script on the page can read the session afterwards.
import { h } from '../shared/dom.ts';
import { login } from './api.ts';

export function renderLogin(message: string, onDone: () => void): HTMLElement {
  const error = h('p', { id: 'login-error', class: 'error', role: 'alert' });
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': 'login-help login-error' });
  const form = h('form', {
    class: 'login',
    onsubmit: (event: Event) => {
      event.preventDefault();
      void login(input.value).then((problem) => {
        if (problem) {
          error.textContent = problem;
          input.focus();
        } else onDone();
      });
    },
  },
  h('h2', {}, 'Sign in'),
  h('p', { id: 'login-help', class: 'muted' }, message),
  h('label', { for: 'token' }, 'Viewer token'),
  input,
  h('button', { type: 'submit' }, 'Sign in'),
  error);
  queueMicrotask(() => input.focus());
  return form;
}
