// A data operation, in MANTRA's table form (table, columns, conditions, order, limit) with the connector's tables and
// columns to pick from, or as one SQL statement with named, typed parameters.
import { api, list, path } from './api.js';
import { errorBox, fill, h } from './dom.js';
import { form, options } from './form.js';
import { t } from './i18n.js';
import { listEditor } from './list-editor.js';

const ops = ['=', '<>', '<', '<=', '>', '>=', 'LIKE'];
const actions = ['select', 'insert', 'update', 'delete', 'upsert'];

export async function dataEditor(agency, spec = {}) {
  const connectors = (await list('/connectors', { agency }).catch(() => [])).filter((c) => !['http', 'soap'].includes(c.kind));
  let state = { form: 'table', connector: connectors[0]?.slug, columns: [], conditions: [], order: [], ...spec };
  let tables = [];
  let columns = [];
  const el = h('div', { id: 'data-editor' });
  const problem = h('div');
  let parts;

  async function loadTables() {
    tables = [];
    if (!state.connector) return;
    try {
      tables = (await api(`${path('connectors', agency, state.connector)}/tables`)).tables;
      problem.replaceChildren();
    } catch (err) {
      problem.replaceChildren(errorBox({ message: `${t('data.tablesFailed')}: ${err.message}${err.body?.reason ? ` (${err.body.reason})` : ''}` }));
    }
  }
  async function loadColumns() {
    columns = [];
    if (!state.connector || !state.table) return;
    try {
      columns = (await api(`${path('connectors', agency, state.connector, 'tables', state.table)}/columns`)).columns;
    } catch (err) {
      problem.replaceChildren(errorBox(err));
    }
  }

  function capture() {
    if (parts) state = snapshot();
  }

  function render() {
    const head = form([
      { name: 'connector', label: 'data.connector', type: 'select', required: true, options: connectors.map((c) => ({ value: c.slug, label: `${c.slug} (${t(`connkind.${c.kind}`)})` })),
        onchange: async () => { capture(); state.table = undefined; await loadTables(); render(); } },
      { name: 'form', label: 'data.form', type: 'select', options: options(['table', 'sql'], 'dform'), onchange: () => { capture(); render(); } },
    ], state);
    const limits = form([
      { name: 'timeoutMs', label: 'data.timeout', type: 'number', min: 10, default: 30000 },
      { name: 'rowCap', label: 'data.rowCap', type: 'number', min: 1, default: 10000 },
      { name: 'truncate', label: 'data.truncate', type: 'checkbox' },
      { name: 'write', label: 'data.write', type: 'checkbox', hint: 'data.writeHint' },
    ], state);
    parts = { head, limits };
    const body = state.form === 'sql' ? sqlPart() : tablePart();
    fill(el, head.el, problem, connectors.length ? null : h('p', { class: 'error-box' }, t('data.noConnector')), body, h('h3', {}, t('data.limits')), limits.el);
  }

  function tablePart() {
    const colNames = columns.map((c) => c.name);
    const tableForm = form([
      { name: 'table', label: 'data.table', type: 'select', required: true,
        options: [{ value: '', label: t('data.pickTable') }, ...[...new Set([...tables, ...(state.table ? [state.table] : [])])].map((n) => ({ value: n, label: n }))],
        onchange: async () => { capture(); await loadColumns(); state.columns = []; render(); } },
      { name: 'action', label: 'data.action', type: 'select', options: options(actions, 'daction'), onchange: () => { capture(); render(); } },
      { name: 'limit', label: 'data.limit', type: 'number', min: 1 },
      { name: 'offset', label: 'data.offset', type: 'number', min: 0 },
    ], state);
    const picked = new Set(state.columns ?? []);
    const colBoxes = h('fieldset', { id: 'columns-pick' }, h('legend', {}, t('data.columns')),
      h('p', { class: 'hint' }, t('data.columnsHint')),
      h('div', { class: 'row' }, (colNames.length ? colNames : [...picked]).map((name) => {
        const id = `col-${name}`;
        const type = columns.find((c) => c.name === name)?.type;
        return h('label', { class: 'check', for: id }, h('input', { type: 'checkbox', id, name: 'column', value: name, checked: picked.has(name) }), name, type ? h('span', { class: 'muted' }, ` (${type})`) : null);
      })));
    const columnChoice = [{ value: '', label: '—' }, ...(colNames.length ? colNames : state.conditions.map((c) => c.column)).map((n) => ({ value: n, label: n }))];
    const conditions = listEditor({
      legend: 'data.conditions', addLabel: 'data.addCondition', values: state.conditions,
      newItem: () => ({ column: colNames[0], op: '=', source: 'param', join: 'AND' }),
      fields: (c, i) => [
        i > 0 ? { name: 'join', label: 'data.join', type: 'select', options: options(['AND', 'OR']) } : null,
        { name: 'column', label: 'data.column', type: 'select', required: true, options: columnChoice },
        { name: 'op', label: 'data.op', type: 'select', options: options(ops) },
        { name: 'source', label: 'data.source', type: 'select', options: options(['param', 'value'], 'dsource'), default: c.value !== undefined ? 'value' : 'param' },
        { name: 'ref', label: 'data.ref', required: true, hint: 'data.refHint', default: c.param ?? (c.value ?? c.column ?? '') },
      ].filter(Boolean),
      toItem: (v) => ({ column: v.column, op: v.op, join: v.join ?? 'AND', ...(v.source === 'value' ? { value: v.ref ?? '' } : { param: v.ref }) }),
    });
    const order = listEditor({
      legend: 'data.order', addLabel: 'data.addOrder', values: state.order,
      newItem: () => ({ column: colNames[0], dir: 'ASC' }),
      fields: () => [
        { name: 'column', label: 'data.column', type: 'select', options: columnChoice },
        { name: 'dir', label: 'data.dir', type: 'select', options: options(['ASC', 'DESC'], 'ddir') },
      ],
    });
    const keys = form([{ name: 'keys', label: 'data.keys', type: 'lines', hint: 'data.keysHint' }], state);
    // Key columns matter only to an upsert.
    keys.el.hidden = (state.action ?? 'select') !== 'upsert';
    Object.assign(parts, { tableForm, colBoxes, conditions, order, keys });
    return h('div', {}, tableForm.el, colBoxes, conditions.el, order.el, keys.el);
  }

  function sqlPart() {
    const sql = form([{ name: 'sql', label: 'data.sql', type: 'textarea', required: true, rows: 6, hint: 'data.sqlHint' }], state, { single: true });
    parts.sql = sql;
    return sql.el;
  }

  /** Everything typed so far, both forms' fields kept, so that switching form loses nothing. */
  function snapshot() {
    const base = { ...parts.head.read(), ...parts.limits.read() };
    const current = parts.sql ? { sql: parts.sql.read().sql ?? '' } : {
      ...parts.tableForm.read(),
      columns: [...parts.colBoxes.querySelectorAll('input[name=column]:checked')].map((i) => i.value),
      conditions: parts.conditions.read(),
      order: parts.order.read(),
      keys: parts.keys.el.hidden ? [] : parts.keys.read().keys ?? [],
    };
    if (!parts.sql) for (const k of ['limit', 'offset']) if (current[k] === undefined) delete state[k];
    return { ...state, ...base, ...current };
  }

  /** The spec as the API takes it: only the chosen form's fields. */
  function read() {
    const all = snapshot();
    const common = ['form', 'connector', 'timeoutMs', 'rowCap', 'truncate', 'write'];
    const own = all.form === 'sql' ? ['sql'] : ['table', 'action', 'columns', 'conditions', 'order', 'keys', 'limit', 'offset'];
    return Object.fromEntries([...common, ...own].filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
  }

  await loadTables();
  if (state.table) await loadColumns();
  render();
  return {
    el,
    read,
    showIssues(issues) {
      const rest = parts.conditions ? parts.conditions.showIssues('data.conditions', issues) : issues;
      return rest;
    },
  };
}
