// One's own account: change the password (required after a one-time password) and two-step sign-in (TOTP):
// enrol with the password, confirm with a first code, disable with a code.
import { api } from './api.js';
import { action, errorBox, fill, h, toast } from './dom.js';
import { form } from './form.js';
import { t } from './i18n.js';
import { user } from './roles.js';

export async function renderProfile(main, _rest, opts = {}) {
  const session = opts.session ?? (await api('/session'));
  const me = session.user ?? user();
  const parts = [];
  if (!opts.forced || session.mustChangePassword) parts.push(passwordCard(session, opts));
  if (!opts.forced || (!session.mustChangePassword && session.totpEnrolmentRequired)) parts.push(totpCard(me, opts));
  fill(main, h('h1', {}, t(opts.forced ? 'profile.forcedTitle' : 'profile.title')),
    opts.forced ? h('p', { class: 'muted' }, t(session.mustChangePassword ? 'profile.mustChange' : 'profile.mustEnrol')) : null,
    parts);
}

function passwordCard(session, opts) {
  const f = form([
    { name: 'current', label: 'profile.current', type: 'password', required: true, autocomplete: 'current-password' },
    { name: 'new', label: 'profile.new', type: 'password', required: true, autocomplete: 'new-password', hint: 'profile.newHint' },
  ], {}, { single: true });
  const problem = h('div');
  const save = action(t('profile.change'), async () => {
    try {
      await api('/password', { method: 'POST', body: f.read() });
      toast(t('profile.changed'));
      fill(problem);
      if (opts.forced) await opts.done();
    } catch (err) {
      fill(problem, errorBox({ message: err.message, issues: f.showIssues(err.issues) }));
    }
  }, { id: 'change-submit' });
  return h('form', { id: 'change', class: 'card', onsubmit: (e) => { e.preventDefault(); save.click(); } },
    h('h2', {}, t('profile.password')), f.el, problem, h('div', { class: 'actions' }, save));
}

function totpCard(me, opts) {
  const box = h('div');
  const card = h('section', { class: 'card', 'aria-labelledby': 'totp-h' }, h('h2', { id: 'totp-h' }, t('profile.totp')), box);
  const problem = h('div');
  const fail = (err) => fill(problem, errorBox(err));

  function enrolled(secret, uri) {
    const code = form([{ name: 'code', label: 'profile.firstCode', required: true, inputmode: 'numeric', maxlength: 8 }], {}, { single: true });
    fill(box, h('p', {}, t('profile.enrolSteps')),
      h('p', {}, t('profile.secret')), h('div', { class: 'secret', id: 'totp-secret' }, secret),
      h('p', { class: 'hint' }, uri), code.el,
      h('div', { class: 'actions' }, action(t('profile.confirm'), async () => {
        try {
          await api('/totp/confirm', { method: 'POST', body: code.read() });
          toast(t('profile.totpOn'));
          if (opts.forced) return opts.done();
          me.totpEnabled = true;
          start();
        } catch (err) { fail(err); }
      })), problem);
  }

  function start() {
    fill(problem);
    if (me.totpEnabled) {
      const code = form([{ name: 'code', label: 'profile.code', required: true, inputmode: 'numeric', maxlength: 8 }], {}, { single: true });
      fill(box, h('p', {}, h('span', { class: 'badge ok' }, t('profile.totpActive'))), code.el,
        h('div', { class: 'actions' }, action(t('profile.disable'), async () => {
          try {
            await api('/totp/disable', { method: 'POST', body: code.read() });
            toast(t('profile.totpOff'));
            me.totpEnabled = false;
            start();
          } catch (err) { fail(err); }
        }, { class: 'danger' })), problem);
      return;
    }
    const pw = form([{ name: 'password', label: 'profile.passwordAgain', type: 'password', required: true, autocomplete: 'current-password' }], {}, { single: true });
    fill(box, h('p', { class: 'muted' }, t('profile.totpIntro')), pw.el,
      h('div', { class: 'actions' }, action(t('profile.enrol'), async () => {
        try {
          const r = await api('/totp/enrol', { method: 'POST', body: pw.read() });
          enrolled(r.secret, r.uri);
        } catch (err) { fail(err); }
      })), problem);
  }
  start();
  return card;
}
