// An editable list of small records (parameters, conditions, mappings, steps): one row of fields per item, with
// buttons to add, remove and move items; read() gives the items back typed.
import { h } from './dom.js';
import { form } from './form.js';
import { t } from './i18n.js';

/** spec: { legend, fields(item, index) → field specs, values, newItem() → item, addLabel, toItem?(values, item) } */
export function listEditor(spec) {
  let items = (spec.values ?? []).map((v) => ({ value: v }));
  const rows = h('div', { class: 'list-editor' });
  const legend = t(spec.legend);
  const box = h('fieldset', {}, h('legend', {}, legend), rows,
    h('button', { type: 'button', class: 'small secondary', onclick: () => { capture(); items.push({ value: spec.newItem() }); render(true); } }, t(spec.addLabel ?? 'common.addItem')));

  function capture() {
    for (const it of items) if (it.form) it.value = readItem(it);
  }
  function readItem(it) {
    const values = it.form.read();
    return spec.toItem ? spec.toItem(values, it.value) : values;
  }
  function render(focusLast = false) {
    rows.replaceChildren(...items.map((it, i) => {
      it.form = form(spec.fields(it.value, i), it.value);
      const n = i + 1;
      return h('div', { class: 'item', role: 'group', 'aria-label': `${legend} ${n}` }, it.form.el,
        h('div', { class: 'tight row' },
          i > 0 ? h('button', { type: 'button', class: 'small secondary', 'aria-label': `${t('common.moveUp')} ${legend} ${n}`, onclick: () => { capture(); [items[i - 1], items[i]] = [items[i], items[i - 1]]; render(); } }, '↑') : null,
          h('button', { type: 'button', class: 'small danger', 'aria-label': `${t('common.remove')} ${legend} ${n}`, onclick: () => { capture(); items.splice(i, 1); render(); } }, t('common.remove'))));
    }));
    if (focusLast) rows.querySelector('.item:last-child input, .item:last-child select')?.focus();
  }
  render();
  return {
    el: box,
    read: () => items.map(readItem),
    /** Replaces the items (e.g. parameters found in a statement). */
    set(values) { items = values.map((v) => ({ value: v })); render(); },
    /** Re-renders with new field choices (e.g. columns of a newly picked table), keeping what was typed. */
    refresh() { capture(); render(); },
    showIssues(prefix, issues) {
      const rest = [];
      const perItem = new Map();
      for (const issue of issues) {
        const m = issue.path.match(new RegExp(`^${prefix.replace('.', '\\.')}\\.(\\d+)(?:\\.(.*))?$`));
        const it = m && items[Number(m[1])];
        if (!it) { rest.push(issue); continue; }
        if (!perItem.has(it)) perItem.set(it, []);
        perItem.get(it).push({ path: m[2] ?? '', message: issue.message, full: issue.path });
      }
      for (const it of items) {
        const left = it.form.showIssues(perItem.get(it) ?? []);
        rest.push(...left.map((l) => ({ path: l.full, message: l.message })));
      }
      return rest;
    },
  };
}
