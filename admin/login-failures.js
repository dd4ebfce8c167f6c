// Sign-ins the login throttle holds back now (pairs and addresses refused, accounts slowed), for administrators and
// supervisors to see an attack while it goes on.
import { api } from './api.js';
import { errorBox, h, table } from './dom.js';
import { t } from './i18n.js';
import { dateTime, number } from './time.js';

export async function loginFailuresCard() {
  const box = h('section', { class: 'card', 'aria-labelledby': 'failures-h', id: 'login-failures' }, h('h2', { id: 'failures-h' }, t('failures.title')));
  try {
    const r = await api('/security/login-failures');
    const common = [
      { label: t('failures.count'), value: (e) => number(e.failures), num: true },
      { label: t('failures.last'), value: (e) => dateTime(e.lastFailureAt) },
      { label: t('failures.until'), value: (e) => dateTime(e.until) },
    ];
    box.append(
      h('p', { class: 'muted' }, t('failures.window', { n: number(r.window.attempts), since: dateTime(r.window.since) })),
      h('h3', {}, t('failures.pairs')),
      table([{ label: t('field.username'), value: (e) => e.username }, { label: t('failures.address'), value: (e) => e.address }, ...common], r.pairs, { label: t('failures.pairs'), empty: t('failures.none') }),
      h('h3', {}, t('failures.addresses')),
      table([{ label: t('failures.address'), value: (e) => e.address }, ...common], r.addresses, { label: t('failures.addresses'), empty: t('failures.none') }),
      h('h3', {}, t('failures.users')),
      table([{ label: t('field.username'), value: (e) => e.username }, { label: t('failures.delay'), value: (e) => `${number(e.delayMs)} ms`, num: true }, ...common], r.users, { label: t('failures.users'), empty: t('failures.none') }));
  } catch (err) {
    box.append(errorBox(err));
  }
  return box;
}
