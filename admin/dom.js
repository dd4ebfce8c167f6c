// Building elements without a framework: h('tag', {attrs}, ...children). Text is always set as text, never as HTML.
import { t } from './i18n.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name === 'value' && 'value' in el) el.value = value;
    else if (name === 'checked' || name === 'selected' || name === 'disabled') el[name] = Boolean(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
export const uid = (prefix = 'f') => `${prefix}-${++ids}`;

/** A table from rows and column specs `{label, value(row) → node|text, num?}`; an empty list says so. */
export function table(columns, rows, opts = {}) {
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : undefined }, c.label)));
  const body = rows.length
    ? rows.map((row) => h('tr', { dataset: opts.rowData?.(row) }, columns.map((c) => h('td', { class: c.num ? 'num' : undefined, 'data-label': c.label }, c.value(row)))))
    : [h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, opts.empty ?? t('common.empty')))];
  // Wide tables become one card per row on narrow screens (style.css), so that no column is out of reach.
  const stack = (opts.stack ?? columns.length >= 6) ? 'stack' : undefined;
  return h('div', { class: 'table-wrap' }, h('table', { 'aria-label': opts.label, class: stack }, h('thead', {}, head), h('tbody', {}, body)));
}

/** A short message at the corner of the screen, read out by screen readers. */
export function toast(text, kind = '') {
  const box = document.getElementById('toasts');
  const el = h('div', { class: `toast ${kind}` }, text);
  box.append(el);
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => el.remove(), kind === 'bad' ? 9000 : 4000);
}

/** An error shown where it happened: the API's message and, for invalid input, each field's problem. */
export function errorBox(err) {
  const issues = err?.issues ?? [];
  return h('div', { class: 'error-box', role: 'alert' },
    h('strong', {}, err?.message ?? String(err)),
    issues.length ? h('ul', {}, issues.map((i) => h('li', {}, i.path ? `${i.path}: ${i.message}` : i.message))) : null);
}

/** Tabs with their panels; `tabs` is [{id, label, render() → node}], rendered when first opened. */
export function tabs(list, opts = {}) {
  const bar = h('div', { class: 'tabs', role: 'tablist', 'aria-label': opts.label });
  const panel = h('div', { class: 'tabpanel', role: 'tabpanel', tabindex: '0' });
  const buttons = list.map((tab, i) => h('button', {
    type: 'button', role: 'tab', id: uid('tab'), 'aria-selected': 'false', tabindex: '-1', dataset: { tab: tab.id },
    onclick: () => select(i),
    onkeydown: (e) => {
      const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (step) { e.preventDefault(); select((i + step + list.length) % list.length, true); }
    },
  }, tab.label));
  bar.append(...buttons);
  async function select(i, focus = false) {
    buttons.forEach((b, j) => { b.setAttribute('aria-selected', String(i === j)); b.tabIndex = i === j ? 0 : -1; });
    panel.setAttribute('aria-labelledby', buttons[i].id);
    if (focus) buttons[i].focus();
    fill(panel, await list[i].render());
  }
  if (list.length) select(opts.initial ?? 0);
  return { el: h('div', {}, bar, panel), select };
}

/** A button that is disabled while its async action runs; errors go to `onError` or a toast. */
export function action(label, run, { onError, ...attrs } = {}) {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try { await run(b); } catch (err) { (onError ?? ((e) => toast(e.message, 'bad')))(err); } finally { b.disabled = false; }
  });
  return b;
}

/** Offers text as a file to save. */
export function download(name, text, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
