// Forms from field lists: each field labelled, its hint and error tied to it (aria-describedby), values read back
// typed (numbers, booleans, lists of lines, nested names like "smtp.host").
import { h, uid } from './dom.js';
import { t } from './i18n.js';
import { fromLocalInput, toLocalInput } from './time.js';

const get = (obj, name) => name.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
function set(obj, name, value) {
  const keys = name.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = value;
}

function control(f, id, value) {
  const common = { id, name: f.name, required: f.required, disabled: f.readonly, 'aria-describedby': `${id}-hint ${id}-err`, placeholder: f.placeholder };
  switch (f.type) {
    case 'select':
      return h('select', common, (f.options ?? []).map((o) => h('option', { value: o.value, selected: String(value ?? f.default ?? '') === String(o.value) }, o.label)));
    case 'checkbox':
      return h('input', { ...common, type: 'checkbox', checked: value ?? f.default ?? false });
    case 'checks': {
      // Several values of a list, each its own checkbox; the group is named by the field's label.
      const chosen = new Set(value ?? f.default ?? []);
      return h('div', { id, role: 'group', 'aria-describedby': common['aria-describedby'], class: 'row checks', dataset: { name: f.name } },
        (f.options ?? []).map((o) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: f.name, value: o.value, checked: chosen.has(o.value), disabled: f.readonly }), o.label)));
    }
    case 'textarea':
      return h('textarea', { ...common, rows: f.rows ?? 4, spellcheck: 'false' }, value ?? '');
    case 'lines':
      return h('textarea', { ...common, rows: f.rows ?? 3, spellcheck: 'false' }, (value ?? []).join('\n'));
    case 'datetime':
      return h('input', { ...common, type: 'datetime-local', value: toLocalInput(value) });
    case 'number':
      return h('input', { ...common, type: 'number', min: f.min, max: f.max, step: f.step ?? 1, value: value ?? f.default ?? '' });
    default:
      return h('input', { ...common, type: f.type ?? 'text', value: value ?? f.default ?? '', autocomplete: f.autocomplete ?? 'off', maxlength: f.maxlength, inputmode: f.inputmode });
  }
}

function readControl(f, el) {
  switch (f.type) {
    case 'checkbox': return el.checked;
    case 'checks': return [...el.querySelectorAll('input:checked')].map((i) => i.value);
    case 'number': return el.value === '' ? undefined : Number(el.value);
    case 'lines': return el.value.split('\n').map((s) => s.trim()).filter(Boolean);
    case 'datetime': return fromLocalInput(el.value);
    default: return el.value === '' && !f.keepEmpty ? undefined : el.value;
  }
}

/** A form body for the fields; `values` fills it. Returns the element and functions to read it and show issues. */
export function form(fields, values = {}, opts = {}) {
  const controls = new Map();
  const errors = new Map();
  const rows = fields.filter(Boolean).map((f) => {
    const id = uid(f.name.replace(/\W/g, '-'));
    const el = control(f, id, get(values, f.name));
    if (f.onchange) el.addEventListener('change', () => f.onchange(el.type === 'checkbox' ? el.checked : el.value, el));
    controls.set(f.name, { f, el });
    const hint = h('p', { class: 'hint', id: `${id}-hint` }, f.hint ? t(f.hint) : '');
    const err = h('p', { class: 'field-error', id: `${id}-err` });
    errors.set(f.name, err);
    const label = t(f.label) + (f.required ? ' *' : '');
    if (f.type === 'checkbox') return h('div', { class: f.wide ? 'wide' : '' }, h('label', { class: 'check', for: id }, el, label), hint, err);
    if (f.type === 'checks') {
      el.setAttribute('aria-labelledby', `${id}-label`);
      return h('div', { class: f.wide ? 'wide' : '' }, h('p', { class: 'label', id: `${id}-label` }, label), el, hint, err);
    }
    return h('div', { class: f.wide || f.type === 'textarea' ? 'wide' : '' }, h('label', { for: id }, label), el, hint, err);
  });
  const el = h('div', { class: opts.single ? '' : 'grid' }, rows);
  return {
    el,
    control: (name) => controls.get(name)?.el,
    /** The values; fields left empty are left out unless `keepEmpty`. */
    read() {
      const out = {};
      for (const [name, { f, el }] of controls) {
        if (f.readonly && !f.send) continue;
        if (el.closest('[hidden]')) continue;
        const v = readControl(f, el);
        if (v !== undefined) set(out, name, v);
      }
      return out;
    },
    /** Marks the fields the API named; returns the issues that belong to no field here. */
    showIssues(issues = []) {
      for (const [name, err] of errors) {
        err.textContent = '';
        controls.get(name).el.removeAttribute('aria-invalid');
      }
      const rest = [];
      for (const issue of issues) {
        const name = [...controls.keys()].find((n) => issue.path === n || issue.path.startsWith(`${n}.`));
        if (!name) { rest.push(issue); continue; }
        errors.get(name).textContent = issue.message;
        controls.get(name).el.setAttribute('aria-invalid', 'true');
      }
      return rest;
    },
  };
}

export const options = (values, labelKey) => values.map((v) => ({ value: v, label: labelKey ? t(`${labelKey}.${v}`) : v }));
