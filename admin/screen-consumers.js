// Consumers: the applications of a requester agency that call operations, and their application keys (one key for
// all of an application's subscriptions, shown once).
import { api, list, path } from './api.js';
import { action, h, toast } from './dom.js';
import { agencyOptions, crudScreen } from './crud.js';
import { t } from './i18n.js';
import { agencyChoices, can } from './roles.js';

export function showSecret(box, title, secret) {
  box.replaceChildren(h('div', { class: 'card', role: 'status', id: 'secret-shown' },
    h('h2', { tabindex: '-1' }, title), h('div', { class: 'secret', id: 'shown-key' }, secret), h('p', { class: 'hint' }, t('common.shownOnce')),
    h('button', { type: 'button', class: 'secondary', onclick: () => box.replaceChildren() }, t('common.close'))));
  box.querySelector('h2').focus();
}

export const renderConsumers = crudScreen({
  title: 'consumers.title',
  intro: 'consumers.intro',
  addLabel: 'consumers.add',
  collection: '/consumers',
  itemPath: (c) => path('consumers', c.agency, c.slug),
  name: (c) => `${c.agency}/${c.slug}`,
  prepare: async () => ({ agencies: agencyChoices(await list('/agencies')) }),
  columns: () => [
    { label: t('field.agency'), value: (c) => c.agency },
    { label: t('field.slug'), value: (c) => c.slug },
    { label: t('field.name'), value: (c) => c.name },
    { label: t('consumers.contact'), value: (c) => c.contact ?? '' },
    { label: t('consumers.owner'), value: (c) => c.owner ?? '' },
    { label: t('consumers.appKey'), value: (c) => (c.keyHint ? `${c.keyHint}…` : t('common.none')) },
  ],
  fields: (c, ctx) => [
    { name: 'agency', label: 'field.agency', type: 'select', required: true, readonly: Boolean(c), send: true, options: agencyOptions(ctx.agencies) },
    { name: 'slug', label: 'field.slug', required: true, readonly: Boolean(c), send: true, hint: 'hint.slug' },
    { name: 'name', label: 'field.name', keepEmpty: true },
    { name: 'contact', label: 'consumers.contact' },
    { name: 'owner', label: 'consumers.owner', hint: 'consumers.ownerHint' },
  ],
  canCreate: () => can.writeConsumers(),
  canEdit: (c) => can.writeConsumers(c.agency),
  canDelete: (c) => can.writeConsumers(c.agency),
  rowActions: (c, reload, _ctx, editor) => can.appKey(c.agency) ? [
    action(t(c.keyHint ? 'consumers.newAppKey' : 'consumers.makeAppKey'), async () => {
      if (c.keyHint && !confirm(t('consumers.confirmAppKey'))) return;
      const r = await api(`${path('consumers', c.agency, c.slug)}/app-key`, { method: 'POST' });
      showSecret(editor, t('consumers.appKeyShown', { name: `${c.agency}/${c.slug}` }), r.key);
      await reload();
    }, { class: 'small secondary' }),
    c.keyHint ? action(t('consumers.removeAppKey'), async () => {
      if (!confirm(t('consumers.confirmRemoveAppKey'))) return;
      await api(`${path('consumers', c.agency, c.slug)}/app-key`, { method: 'DELETE' });
      toast(t('consumers.appKeyRemoved'));
      await reload();
    }, { class: 'small danger' }) : null,
  ] : null,
});
