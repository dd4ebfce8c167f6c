// The operation builder: what every operation has (address, kind, description, switches, typed parameters), the
// kind's own part (data, proxy or composite), and output shaping. Saved through the admin API, which checks it.
import { api, list, path } from './api.js';
import { errorBox, fill, h, toast } from './dom.js';
import { form, options } from './form.js';
import { t } from './i18n.js';
import { agencyChoices, can } from './roles.js';
import { agencyOptions } from './crud.js';
import { paramsEditor, sqlParamNames } from './editor-params.js';
import { dataEditor } from './editor-data.js';
import { proxyEditor } from './editor-proxy.js';
import { compositeEditor } from './editor-composite.js';
import { shapeEditor } from './editor-shape.js';
import { dryRunPanel } from './composite-dry-run.js';

export async function renderOperation(main, rest) {
  const editing = rest.length === 3 && rest[0] !== 'new';
  const [agencies, services, operations] = await Promise.all([list('/agencies'), list('/services'), list('/operations')]);
  const op = editing ? await api(path('operations', ...rest)) : null;
  const mine = agencyChoices(agencies);
  const writable = editing ? can.writeConfig(op.agency) : can.writeConfig();
  let values = op ?? { agency: mine[0]?.slug, kind: 'data', enabled: true, params: [] };

  const serviceOptions = (agency) => services.filter((s) => s.agency === agency).map((s) => ({ value: s.slug, label: `${s.slug}${s.name ? ` — ${s.name}` : ''}` }));
  const common = form([
    { name: 'agency', label: 'field.agency', type: 'select', required: true, readonly: editing, send: true, options: agencyOptions(editing ? agencies : mine),
      onchange: (agency) => { values = { ...values, ...read(), agency }; render(); } },
    { name: 'service', label: 'operations.service', type: 'select', required: true, readonly: editing, send: true, options: serviceOptions(values.agency) },
    { name: 'slug', label: 'operations.slug', required: true, readonly: editing, send: true, hint: 'operations.slugHint' },
    { name: 'kind', label: 'operations.kind', type: 'select', options: options(['data', 'proxy', 'composite'], 'opkind'),
      onchange: (kind) => { values = { ...values, ...read(), kind }; renderKind(); } },
    { name: 'description', label: 'field.description', type: 'textarea', rows: 2, keepEmpty: true },
    { name: 'enabled', label: 'operations.enabled', type: 'checkbox', default: true },
    { name: 'restricted', label: 'operations.restrictedLabel', type: 'checkbox', hint: 'operations.restrictedHint' },
    { name: 'verify', label: 'operations.verify', type: 'checkbox', hint: 'operations.verifyHint' },
    { name: 'note', label: 'operations.note' },
  ], values);
  const params = paramsEditor(values.params ?? []);
  const kindBox = h('div', { id: 'kind-editor' });
  const shape = shapeEditor(values.shape, values.audit);
  const problems = h('div', { id: 'operation-problems' });
  let kindEditor;

  async function renderKind() {
    const kind = values.kind;
    fill(kindBox, h('p', { class: 'muted' }, t('common.loading')));
    if (kind === 'data') kindEditor = await dataEditor(values.agency, values.data);
    else if (kind === 'proxy') kindEditor = proxyEditor(values.proxy);
    else kindEditor = compositeEditor(values.composite, operations.filter((o) => !(op && o.agency === op.agency && o.service === op.service && o.slug === op.slug)));
    fill(kindBox, h('h2', {}, t(`operations.part.${kind}`)), kindEditor.el,
      kind === 'composite' ? dryRunPanel(() => ({ ...read(), composite: kindEditor.read() }), op?.kind === 'composite' ? op : undefined) : null);
  }

  function read() {
    return { ...common.read(), params: params.read() };
  }

  /** Parameters the conditions or the statement use but nobody declared are added, as required strings. */
  function withDeclared(body) {
    const names = new Set(body.params.map((p) => p.name));
    const used = body.data?.form === 'sql' ? sqlParamNames(body.data.sql ?? '')
      : (body.data?.conditions ?? []).filter((c) => c.param).map((c) => c.param);
    const added = used.filter((n) => !names.has(n));
    if (added.length) {
      body.params = [...body.params, ...added.map((name) => ({ name, type: 'string', required: true, description: '' }))];
      params.set(body.params);
      toast(t('operations.paramsAdded', { names: added.join(', ') }));
    }
    return body;
  }

  async function save() {
    fill(problems);
    const base = read();
    const kind = base.kind;
    const { shape: s, audit } = shape.read();
    const body = withDeclared({ ...base, [kind]: kindEditor.read(), ...(s ? { shape: s } : {}), ...(audit ? { audit } : {}) });
    try {
      const saved = editing
        ? await api(path('operations', op.agency, op.service, op.slug), { method: 'PUT', body: { ...body, version: op.version } })
        : await api('/operations', { method: 'POST', body });
      toast(t('common.saved'));
      location.hash = `#/operation/${saved.agency}/${saved.service}/${saved.slug}`;
      if (editing) await renderOperation(main, rest);
    } catch (err) {
      let left = common.showIssues(err.issues);
      left = params.showIssues('params', left);
      left = kindEditor.showIssues?.(left) ?? left;
      fill(problems, errorBox({ message: err.message, issues: left }));
      problems.scrollIntoView({ block: 'nearest' });
    }
  }

  function render() {
    const saveButton = h('button', { type: 'submit', id: 'save-operation' }, t('common.save'));
    const body = h('fieldset', { class: 'plain', disabled: !writable },
      h('legend', { class: 'sr-only' }, t('operations.title')),
      h('div', { class: 'card' }, common.el), h('div', { class: 'card' }, params.el),
      h('div', { class: 'card' }, kindBox), h('div', { class: 'card' }, h('h2', {}, t('shape.title')), shape.el));
    fill(main,
      h('div', { class: 'spread' }, h('h1', {}, editing ? `${t('operations.edit')}: ${op.agency}/${op.service}/${op.slug}` : t('operations.add')),
        h('div', { class: 'row' }, h('a', { href: '#/services' }, t('operations.back')),
          editing ? h('a', { class: 'button secondary', href: `#/console/${op.agency}/${op.service}/${op.slug}` }, t('nav.console')) : null)),
      writable ? null : h('p', { class: 'muted' }, t('operations.readOnly')),
      h('form', { id: 'operation-form', onsubmit: (e) => { e.preventDefault(); save(); } }, body, problems,
        writable ? h('div', { class: 'actions' }, saveButton) : null));
    const serviceSelect = common.control('service');
    if (!editing && serviceSelect) fill(serviceSelect, serviceOptions(values.agency).map((o) => h('option', { value: o.value }, o.label)));
    return renderKind();
  }

  await render();
}
