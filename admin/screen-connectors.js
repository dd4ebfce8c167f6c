// Connectors: add a data source, test its connection, browse its tables and columns (to build operations).
import { api, list, path } from './api.js';
import { action, errorBox, fill, h, table, toast } from './dom.js';
import { agencyOptions, crudScreen } from './crud.js';
import { options } from './form.js';
import { t } from './i18n.js';
import { agencyChoices, can } from './roles.js';

const kinds = ['postgres', 'mysql', 'mssql', 'oracle', 'sqlite', 'dbf', 'http', 'soap'];
const network = ['postgres', 'mysql', 'mssql', 'oracle'];
/** Which fields each kind uses. */
const uses = {
  host: network, port: network, database: network, user: network, password: network, ssl: [...network, 'http', 'soap'],
  poolSize: network, connectTimeoutMs: [...network, 'http', 'soap'], path: ['sqlite', 'dbf'], encoding: ['dbf'],
};
const defaultPorts = { postgres: 5432, mysql: 3306, mssql: 1433, oracle: 1521 };

/** The reason a probe failed: the server's message and the driver's code, when it gave one. */
const failure = (err) => (err.body?.reason ? `${err.message} (${err.body.reason})` : err.message);

async function browse(c, editor) {
  const out = h('div', { class: 'card', id: 'browser', 'aria-live': 'polite' }, h('h2', { tabindex: '-1' }, t('connectors.tablesOf', { name: `${c.agency}/${c.slug}` })));
  fill(editor, out);
  out.querySelector('h2').focus();
  try {
    const { tables } = await api(`${path('connectors', c.agency, c.slug)}/tables`);
    const columns = h('div', { id: 'columns' });
    out.append(h('div', { class: 'row' }, tables.length ? tables.map((name) => action(name, async () => {
      try {
        const r = await api(`${path('connectors', c.agency, c.slug, 'tables', name)}/columns`);
        fill(columns, h('h3', {}, t('connectors.columnsOf', { name })),
          table([{ label: t('connectors.column'), value: (col) => col.name }, { label: t('connectors.type'), value: (col) => col.type }], r.columns, { label: name }));
      } catch (err) { fill(columns, errorBox({ message: failure(err) })); }
    }, { class: 'small secondary', dataset: { table: name } })) : h('p', { class: 'muted' }, t('connectors.noTables'))), columns);
  } catch (err) {
    out.append(errorBox({ message: failure(err) }));
  }
}

export const renderConnectors = crudScreen({
  title: 'connectors.title',
  intro: 'connectors.intro',
  addLabel: 'connectors.add',
  collection: '/connectors',
  itemPath: (c) => path('connectors', c.agency, c.slug),
  name: (c) => `${c.agency}/${c.slug}`,
  prepare: async () => ({ agencies: agencyChoices(await list('/agencies')) }),
  defaults: (ctx) => ({ agency: ctx.agencies[0]?.slug, kind: 'postgres', port: 5432 }),
  columns: () => [
    { label: t('field.agency'), value: (c) => c.agency },
    { label: t('field.slug'), value: (c) => c.slug },
    { label: t('connectors.kind'), value: (c) => t(`connkind.${c.kind}`) },
    { label: t('connectors.where'), value: (c) => c.path ?? [c.host, c.port].filter(Boolean).join(':') + (c.database ? `/${c.database}` : '') },
    { label: t('field.description'), value: (c) => c.description },
  ],
  fields: (c, ctx) => {
    const fields = [
      { name: 'agency', label: 'field.agency', type: 'select', required: true, readonly: Boolean(c), send: true, options: agencyOptions(ctx.agencies) },
      { name: 'slug', label: 'field.slug', required: true, readonly: Boolean(c), send: true, hint: 'hint.slug' },
      { name: 'kind', label: 'connectors.kind', type: 'select', required: true, options: options(kinds, 'connkind'), onchange: (kind, el) => showFor(kind, el) },
      { name: 'host', label: 'connectors.host' },
      { name: 'port', label: 'connectors.port', type: 'number', min: 1, max: 65535 },
      { name: 'database', label: 'connectors.database', hint: 'connectors.databaseHint' },
      { name: 'user', label: 'connectors.user', autocomplete: 'off' },
      { name: 'password', label: 'connectors.password', type: 'password', autocomplete: 'new-password', hint: c?.passwordSet ? 'connectors.passwordKept' : undefined },
      { name: 'ssl', label: 'connectors.ssl', type: 'select', options: options(['disable', 'prefer', 'require', 'verify-full'], 'ssl') },
      { name: 'path', label: 'connectors.path', hint: 'connectors.pathHint' },
      { name: 'encoding', label: 'connectors.encoding', placeholder: 'cp1252' },
      { name: 'poolSize', label: 'connectors.poolSize', type: 'number', min: 1, max: 100 },
      { name: 'connectTimeoutMs', label: 'connectors.connectTimeout', type: 'number', min: 100, max: 120000 },
      { name: 'description', label: 'field.description', type: 'textarea', keepEmpty: true },
    ];
    // Once the form is in the page, show only the fields of the chosen kind.
    queueMicrotask(() => {
      const kind = document.querySelector('#editor select[name=kind]');
      if (kind) showFor(kind.value, kind);
    });
    return fields;
  },
  canCreate: () => can.writeConfig(),
  canEdit: (c) => can.writeConfig(c.agency),
  canDelete: (c) => can.writeConfig(c.agency),
  rowActions: (c, _reload, _ctx, editor) => can.probeConnector(c.agency) ? [
    action(t('connectors.test'), async () => {
      try {
        await api(`${path('connectors', c.agency, c.slug)}/test`, { method: 'POST' });
        toast(t('connectors.testOk', { name: `${c.agency}/${c.slug}` }));
      } catch (err) {
        toast(`${t('connectors.testFailed')}: ${failure(err)}`, 'bad');
      }
    }, { class: 'small secondary', 'aria-label': `${t('connectors.test')} ${c.agency}/${c.slug}` }),
    ['http', 'soap'].includes(c.kind) ? null : h('button', {
      type: 'button', class: 'small secondary', 'aria-label': `${t('connectors.browse')} ${c.agency}/${c.slug}`, onclick: () => browse(c, editor),
    }, t('connectors.browse')),
  ] : null,
});

function showFor(kind, kindEl) {
  const formEl = kindEl.closest('form');
  for (const [name, kindsUsing] of Object.entries(uses)) {
    const control = formEl.querySelector(`[name="${name}"]`);
    if (control) control.closest('div').hidden = !kindsUsing.includes(kind);
  }
  const port = formEl.querySelector('[name=port]');
  if (port && !port.value && defaultPorts[kind]) port.value = defaultPorts[kind];
}
