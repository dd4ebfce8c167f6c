// The public catalogue (no sign-in): every enabled, non-restricted operation with its address, provider, inputs,
// output columns and description, links to the OpenAPI documents and the WSDL, and client code to download.
import { action, download, errorBox, fill, h, table, tabs } from './dom.js';
import { t } from './i18n.js';
import { gatewayBase } from './gateway.js';
import { snippets } from './snippets.js';

async function getJson(url) {
  let res;
  try { res = await fetch(url, { headers: { accept: 'application/json' } }); } catch { throw new Error(t('error.network')); }
  if (!res.ok) throw new Error(t('error.http.other', { status: res.status }));
  return res.json();
}

/** Output columns as the gateway's OpenAPI document names them (table form columns or shaped fields). */
function outputColumns(doc, entry) {
  const schema = doc?.paths?.[entry.paths.v1]?.get?.responses?.['200']?.content?.['application/json']?.schema;
  return Object.keys(schema?.properties?.data?.items?.properties ?? {});
}

export async function renderCatalogue(main) {
  const base = gatewayBase();
  const search = h('input', { id: 'catalogue-search', type: 'search', 'aria-describedby': 'catalogue-count' });
  const count = h('p', { id: 'catalogue-count', class: 'hint' });
  const listBox = h('div', { id: 'catalogue-list' });
  fill(main, h('h1', {}, t('catalogue.title')), h('p', { class: 'muted' }, t('catalogue.intro')),
    h('p', { class: 'row' }, h('a', { href: `${base}/catalogue/openapi.json` }, t('catalogue.openapiAll'))),
    h('label', { for: 'catalogue-search' }, t('catalogue.search')), search, count, listBox);
  let entries, doc;
  try {
    [entries, doc] = await Promise.all([getJson(`${base}/catalogue`), getJson(`${base}/catalogue/openapi.json`)]);
  } catch (err) {
    fill(listBox, errorBox(err));
    return;
  }
  const render = () => {
    const q = search.value.trim().toLowerCase();
    const shown = entries.filter((e) => !q || `${e.agency}/${e.service}/${e.operation} ${e.description}`.toLowerCase().includes(q));
    count.textContent = t('catalogue.count', { n: shown.length });
    fill(listBox, shown.length ? shown.map((e) => card(e, outputColumns(doc, e), base)) : h('p', { class: 'muted' }, t('catalogue.none')));
  };
  search.addEventListener('input', render);
  render();
}

function card(e, columns, base) {
  const id = `op-${e.agency}-${e.service}-${e.operation}`;
  const codeBox = h('div');
  return h('article', { class: 'card', id, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, `${e.agency}/${e.service}/${e.operation}`),
    e.description ? h('p', {}, e.description) : null,
    h('dl', { class: 'grid' },
      h('div', {}, h('dt', {}, t('catalogue.provider')), h('dd', {}, e.agency)),
      h('div', {}, h('dt', {}, t('operations.kind')), h('dd', {}, t(`opkind.${e.kind}`))),
      h('div', { class: 'wide' }, h('dt', {}, t('catalogue.address')),
        h('dd', {}, h('code', {}, `${base}${e.paths.compat}`), h('br'), h('code', {}, `${base}${e.paths.v1}`), h('br'), h('code', {}, `${base}${e.paths.soap}`)))),
    h('h3', {}, t('catalogue.inputs')),
    table([
      { label: t('params.name'), value: (p) => p.name },
      { label: t('params.type'), value: (p) => t(`ptype.${p.type}`) },
      { label: t('params.required'), value: (p) => t(p.required ? 'common.yes' : 'common.no') },
      { label: t('field.description'), value: (p) => p.description },
    ], e.params, { label: t('catalogue.inputs'), empty: t('console.noParams') }),
    h('h3', {}, t('catalogue.outputs')),
    h('p', {}, columns.length ? columns.join(', ') : h('span', { class: 'muted' }, t('catalogue.outputsOpen'))),
    h('p', { class: 'row' },
      h('a', { href: `${base}/catalogue/${e.agency}/${e.service}/openapi.json` }, t('catalogue.openapi')),
      h('a', { href: `${base}${e.paths.wsdl}` }, t('catalogue.wsdl'))),
    h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': `${id}-code`, onclick: (ev) => {
      const open = ev.currentTarget.getAttribute('aria-expanded') === 'true';
      ev.currentTarget.setAttribute('aria-expanded', String(!open));
      if (open) fill(codeBox); else fill(codeBox, codePanel(e, base));
    } }, t('catalogue.code')),
    h('div', { id: `${id}-code` }, codeBox));
}

/** Sample values and a key, then the snippets filled with them, each shown and offered as a file. */
function codePanel(e, base) {
  const inputs = e.params.map((p) => {
    const id = `sample-${e.operation}-${p.name}`;
    return { name: p.name, el: h('input', { id, name: p.name, placeholder: p.type }), label: h('label', { for: id }, p.name) };
  });
  const keyId = `sample-key-${e.operation}`;
  const key = h('input', { id: keyId, value: 'KUNCI_AKSES_ANDA', 'aria-describedby': `${keyId}-hint`, autocomplete: 'off' });
  const out = h('div');
  const show = () => {
    const values = Object.fromEntries(inputs.map((i) => [i.name, i.el.value]));
    const list = snippets({ agency: e.agency, service: e.service, operation: e.operation }, base, values, key.value);
    fill(out, tabs(list.map((s) => ({
      id: s.id, label: t(`snippet.${s.id}`),
      render: () => h('div', { dataset: { snippet: s.id } },
        h('pre', { class: 'code', tabindex: '0', 'aria-label': t(`snippet.${s.id}`) }, s.code),
        action(t('catalogue.download', { file: s.file }), async () => download(s.file, s.code), { class: 'secondary', dataset: { download: s.id } })),
    })), { label: t('catalogue.code') }).el);
  };
  for (const i of [...inputs.map((x) => x.el), key]) i.addEventListener('input', show);
  const panel = h('div', { class: 'card' },
    h('div', { class: 'grid' }, inputs.map((i) => h('div', {}, i.label, i.el)),
      h('div', {}, h('label', { for: keyId }, t('console.key')), key, h('p', { class: 'hint', id: `${keyId}-hint` }, t('catalogue.keyHint')))),
    out);
  show();
  return panel;
}
