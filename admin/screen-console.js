// Tinjauan, the live test console: pick an operation, enter the key and the parameters, call the gateway, and read
// the answer as a table and as JSON, XML, PHP array and serialized text (each format is its own call, tracked).
import { api, list, path } from './api.js';
import { errorBox, fill, h, table, tabs } from './dom.js';
import { form, options } from './form.js';
import { t } from './i18n.js';
import { callGateway, operationUrl, readJsonAnswer } from './gateway.js';

const inputType = { integer: 'number', number: 'number', date: 'date', datetime: 'datetime-local', boolean: 'select', string: 'text' };

export async function renderConsole(main, rest) {
  const operations = await list('/operations');
  const chosen = rest.length === 3 ? rest.join('/') : '';
  const picker = form([
    { name: 'operation', label: 'console.operation', type: 'select', required: true,
      options: [{ value: '', label: t('console.pick') }, ...operations.map((o) => ({ value: `${o.agency}/${o.service}/${o.slug}`, label: `${o.agency}/${o.service}/${o.slug}` }))],
      onchange: (v) => { location.hash = v ? `#/console/${v}` : '#/console'; } },
    { name: 'key', label: 'console.key', type: 'password', required: true, hint: 'console.keyHint', autocomplete: 'off' },
    { name: 'iface', label: 'console.interface', type: 'select', options: options(['compat', 'v1'], 'iface') },
  ], { operation: chosen });
  const paramsBox = h('div', { id: 'console-params' });
  const result = h('section', { id: 'console-result', 'aria-live': 'polite', 'aria-labelledby': 'result-h' });
  fill(main, h('h1', {}, t('console.title')), h('p', { class: 'muted' }, t('console.intro')),
    h('form', { class: 'card', id: 'console-form', onsubmit: (e) => { e.preventDefault(); call(); } },
      picker.el, paramsBox, h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'console-call' }, t('console.call')))),
    result);

  if (!chosen) return;
  const op = await api(path('operations', ...rest));
  const paramForm = form(op.params.map((p) => ({
    name: p.name, label: p.name, required: p.required && p.default === undefined, hint: p.description || undefined,
    type: inputType[p.type], step: p.type === 'number' ? 'any' : undefined, keepEmpty: false,
    options: p.type === 'boolean' ? [{ value: '', label: '—' }, { value: 'true', label: 'true' }, { value: 'false', label: 'false' }] : undefined,
  })), {});
  fill(paramsBox, op.params.length ? h('fieldset', {}, h('legend', {}, t('console.params')), paramForm.el) : h('p', { class: 'muted' }, t('console.noParams')),
    h('p', { class: 'hint' }, `${t('console.address')}: `, h('code', {}, operationUrl(picker.read().iface ?? 'compat', op))));

  async function call() {
    const { key, iface = 'compat' } = picker.read();
    const params = Object.fromEntries(Object.entries(paramForm.read()).map(([k, v]) => [k, String(v)]));
    fill(result, h('p', { class: 'muted' }, t('console.calling')));
    const answers = new Map();
    const get = (format) => {
      if (!answers.has(format)) answers.set(format, callGateway({ iface, op, format, params, key }));
      return answers.get(format);
    };
    try {
      const first = await get('json');
      const read = readJsonAnswer(iface, op, first.text);
      const summary = h('p', { id: 'console-summary' },
        h('span', { class: `badge ${read.ok ? 'ok' : 'bad'}` }, read.ok ? t('console.ok') : t('console.failed')), ' ',
        t('console.stats', { status: first.status, ms: first.ms, rows: read.rows.length }),
        read.code !== undefined ? ` · ${t('console.code')} ${read.code}` : '', read.message ? ` · ${read.message}` : '');
      const text = (format) => async () => {
        const a = await get(format);
        return h('pre', { class: 'code', id: `answer-${format}`, tabindex: '0', 'aria-label': format }, a.text);
      };
      const view = tabs([
        { id: 'table', label: t('console.asTable'), render: () => h('div', { id: 'answer-table' }, rowsTable(read.rows)) },
        { id: 'json', label: 'JSON', render: text('json') },
        { id: 'xml', label: 'XML', render: text('xml') },
        { id: 'php', label: t('console.asPhp'), render: text('php') },
        { id: 'serialize', label: t('console.asSerialize'), render: text('serialize') },
      ], { label: t('console.answer') });
      fill(result, h('h2', { id: 'result-h' }, t('console.answer')), summary, h('p', { class: 'hint' }, t('console.eachFormat')), view.el);
    } catch (err) {
      fill(result, errorBox({ message: `${t('console.unreachable')}: ${err.message}` }));
    }
  }
}

/** Rows as a table: one column per field seen; nested values as JSON. */
function rowsTable(rows) {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r ?? {})))];
  return table(names.map((n) => ({ label: n, value: (r) => cell(r?.[n]) })), rows, { label: t('console.asTable'), empty: t('console.noRows') });
}
const cell = (v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
