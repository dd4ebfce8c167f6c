// Services and their operations: services are added here; operations are listed with links to the builder and to
// the test console.
import { list, path } from './api.js';
import { errorBox, h, table } from './dom.js';
import { agencyOptions, crudScreen } from './crud.js';
import { t } from './i18n.js';
import { agencyChoices, can } from './roles.js';

const services = crudScreen({
  title: 'services.title',
  intro: 'services.intro',
  addLabel: 'services.add',
  collection: '/services',
  itemPath: (s) => path('services', s.agency, s.slug),
  name: (s) => `${s.agency}/${s.slug}`,
  prepare: async () => ({ agencies: agencyChoices(await list('/agencies')) }),
  columns: () => [
    { label: t('field.agency'), value: (s) => s.agency },
    { label: t('field.slug'), value: (s) => s.slug },
    { label: t('field.name'), value: (s) => s.name },
    { label: t('field.description'), value: (s) => s.description },
  ],
  fields: (s, ctx) => [
    { name: 'agency', label: 'field.agency', type: 'select', required: true, readonly: Boolean(s), send: true, options: agencyOptions(ctx.agencies) },
    { name: 'slug', label: 'field.slug', required: true, readonly: Boolean(s), send: true, hint: 'hint.slug' },
    { name: 'name', label: 'field.name', keepEmpty: true },
    { name: 'description', label: 'field.description', type: 'textarea', keepEmpty: true },
  ],
  canCreate: () => can.writeConfig(),
  canEdit: (s) => can.writeConfig(s.agency),
  canDelete: (s) => can.writeConfig(s.agency),
});

export async function renderServices(main) {
  await services(main);
  const section = h('section', { 'aria-labelledby': 'ops-h' });
  main.append(section);
  section.append(h('div', { class: 'spread' }, h('h2', { id: 'ops-h' }, t('operations.title')),
    can.writeConfig() ? h('a', { class: 'button', href: '#/operation/new', id: 'new-operation' }, t('operations.add')) : null));
  try {
    const ops = await list('/operations');
    section.append(table([
      { label: t('operations.address'), value: (o) => `${o.agency}/${o.service}/${o.slug}` },
      { label: t('operations.kind'), value: (o) => t(`opkind.${o.kind}`) },
      { label: t('operations.state'), value: (o) => h('span', { class: `badge ${o.enabled ? 'ok' : 'bad'}` }, t(o.enabled ? 'operations.enabled' : 'operations.disabled')) },
      { label: t('operations.restricted'), value: (o) => t(o.restricted ? 'common.yes' : 'common.no') },
      { label: t('field.description'), value: (o) => o.description },
      {
        label: t('common.actions'),
        value: (o) => h('div', { class: 'row' },
          h('a', { class: 'button small secondary', href: `#/operation/${o.agency}/${o.service}/${o.slug}` }, t(can.writeConfig(o.agency) ? 'common.edit' : 'common.view')),
          h('a', { class: 'button small secondary', href: `#/console/${o.agency}/${o.service}/${o.slug}` }, t('nav.console'))),
      },
    ], ops, { label: t('operations.title') }));
  } catch (err) {
    section.append(errorBox(err));
  }
}
