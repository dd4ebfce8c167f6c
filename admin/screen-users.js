// Users and roles: administrators add users (with a one-time password), change roles and agencies, give a new
// one-time password or remove a lost second factor; supervisors read.
import { api, list, path } from './api.js';
import { action, h, toast } from './dom.js';
import { agencyOptions, crudScreen } from './crud.js';
import { options } from './form.js';
import { t } from './i18n.js';
import { can, user } from './roles.js';

const roles = ['administrator', 'provider', 'publisher', 'requester', 'supervisor'];

function revealed(editor, text, secret) {
  editor.replaceChildren(h('div', { class: 'card', role: 'status' }, h('p', {}, text), h('div', { class: 'secret' }, secret), h('p', { class: 'hint' }, t('common.shownOnce'))));
}

export const renderUsers = crudScreen({
  title: 'users.title',
  intro: 'users.intro',
  addLabel: 'users.add',
  collection: '/users',
  itemPath: (u) => path('users', u.username),
  name: (u) => u.username,
  prepare: async () => ({ agencies: await list('/agencies') }),
  columns: () => [
    { label: t('field.username'), value: (u) => u.username },
    { label: t('field.fullName'), value: (u) => u.fullName },
    { label: t('field.role'), value: (u) => t(`role.${u.role}`) },
    { label: t('field.agency'), value: (u) => u.agency ?? '' },
    { label: t('users.status'), value: (u) => h('span', { class: `badge ${u.active ? 'ok' : 'bad'}` }, t(u.active ? 'users.active' : 'users.inactive')) },
    { label: t('users.totp'), value: (u) => t(u.totpEnabled ? 'common.yes' : 'common.no') },
  ],
  fields: (u, ctx) => [
    { name: 'username', label: 'field.username', required: true, readonly: Boolean(u), send: true },
    { name: 'fullName', label: 'field.fullName', keepEmpty: true },
    { name: 'email', label: 'field.email', type: 'email' },
    { name: 'role', label: 'field.role', type: 'select', required: true, options: options(roles, 'role'), hint: 'users.roleHint' },
    { name: 'agency', label: 'field.agency', type: 'select', options: [{ value: '', label: t('common.none') }, ...agencyOptions(ctx.agencies)] },
    { name: 'language', label: 'users.language', type: 'select', options: [{ value: 'id', label: 'Bahasa Indonesia' }, { value: 'en', label: 'English' }] },
    u ? null : { name: 'password', label: 'users.oneTime', type: 'password', required: true, hint: 'users.oneTimeHint', autocomplete: 'new-password' },
    { name: 'active', label: 'users.active', type: 'checkbox', default: true },
  ],
  toBody: (v, u) => ({ ...v, active: v.active, ...(u ? {} : { mustChangePassword: true }) }),
  canCreate: () => can.writeUsers(),
  canEdit: () => can.writeUsers(),
  canDelete: (u) => can.writeUsers() && u.username !== user()?.username,
  rowActions: (u, reload, _ctx, editor) => can.resetUsers() ? [
    action(t('users.resetPassword'), async () => {
      if (!confirm(t('users.confirmReset', { name: u.username }))) return;
      const r = await api(`${path('users', u.username)}/reset-password`, { method: 'POST' });
      revealed(editor, t('users.newOneTime', { name: u.username }), r.password);
    }, { class: 'small secondary' }),
    u.totpEnabled ? action(t('users.resetTotp'), async () => {
      if (!confirm(t('users.confirmTotp', { name: u.username }))) return;
      await api(`${path('users', u.username)}/totp/reset`, { method: 'POST' });
      toast(t('users.totpReset'));
      await reload();
    }, { class: 'small secondary' }) : null,
  ] : null,
});
