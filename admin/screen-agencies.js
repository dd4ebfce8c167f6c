// Agencies: administrators add and change them; everyone else sees their own.
import { path } from './api.js';
import { crudScreen } from './crud.js';
import { t } from './i18n.js';
import { can } from './roles.js';

export const renderAgencies = crudScreen({
  title: 'agencies.title',
  intro: 'agencies.intro',
  addLabel: 'agencies.add',
  collection: '/agencies',
  itemPath: (a) => path('agencies', a.slug),
  name: (a) => a.slug,
  columns: () => [
    { label: t('field.slug'), value: (a) => a.slug },
    { label: t('field.name'), value: (a) => a.name },
    { label: t('field.email'), value: (a) => a.email ?? '' },
    { label: t('field.description'), value: (a) => a.description },
  ],
  fields: (a) => [
    { name: 'slug', label: 'field.slug', required: true, readonly: Boolean(a), send: true, hint: 'hint.slug' },
    { name: 'name', label: 'field.name', required: true },
    { name: 'email', label: 'field.email', type: 'email' },
    { name: 'website', label: 'field.website', type: 'url' },
    { name: 'description', label: 'field.description', type: 'textarea', keepEmpty: true },
  ],
  canCreate: () => can.writeAgencies(),
  canEdit: () => can.writeAgencies(),
  canDelete: () => can.writeAgencies(),
});
