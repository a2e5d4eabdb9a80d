import { h, replace } from '../dom.js';
import { session } from '../session.js';

export function renderLogin(main) {
  const message = h('div', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'form', id: 'login-form' },
    h('label', {}, 'User name', h('input', { name: 'username', id: 'login-username', autocomplete: 'username', required: true })),
    h('label', {}, 'Password', h('input', { name: 'password', id: 'login-password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit', id: 'login-submit' }, 'Log in'),
    message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    try {
      await session.login(form.elements.username.value, form.elements.password.value);
    } catch (error) {
      message.textContent = error.message;
    }
  });
  replace(main, h('h1', {}, 'Log in'), h('p', { class: 'muted' }, 'This host checks identities with its iam plugin.'), form);
}
