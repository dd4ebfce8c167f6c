// Sign-in: username and password, then the authenticator code when the server says the user has two-step sign-in.
import { api } from './api.js';
import { errorBox, fill, h } from './dom.js';
import { t } from './i18n.js';

export function renderLogin(main, signedIn) {
  const username = h('input', { id: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const code = h('input', { id: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '8', 'aria-describedby': 'code-hint' });
  const codeRow = h('div', { id: 'code-row', hidden: true },
    h('label', { for: 'code' }, t('login.code')), code, h('p', { class: 'hint', id: 'code-hint' }, t('login.codeHint')));
  const problem = h('div', { id: 'login-error', 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit' }, t('login.submit'));
  const formEl = h('form', {
    id: 'login', class: 'card narrow',
    onsubmit: async (e) => {
      e.preventDefault();
      fill(problem);
      submit.disabled = true;
      try {
        const body = { username: username.value, password: password.value, ...(codeRow.hidden ? {} : { code: code.value }) };
        signedIn(await api('/login', { method: 'POST', body }));
      } catch (err) {
        fill(problem, errorBox(err));
        // The password was right and the user has two-step sign-in: ask for the code.
        if (err.key === 'totp_required') {
          codeRow.hidden = false;
          code.focus();
        }
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h1', {}, t('login.title')),
  h('label', { for: 'username' }, t('login.username')), username,
  h('label', { for: 'password' }, t('login.password')), password,
  codeRow,
  h('div', { class: 'actions' }, submit),
  problem,
  h('p', {}, h('a', { href: '#/catalogue' }, t('login.catalogue'))));
  fill(main, formEl);
  username.focus();
}
