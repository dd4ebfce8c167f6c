// The caller parameters of an operation: typed (string, integer, number, boolean, date, datetime) and validated.
import { listEditor } from './list-editor.js';
import { options } from './form.js';

const types = ['string', 'integer', 'number', 'boolean', 'date', 'datetime'];

export function paramsEditor(values) {
  return listEditor({
    legend: 'params.legend',
    addLabel: 'params.add',
    values,
    newItem: () => ({ name: '', type: 'string', required: true }),
    fields: (p) => [
      { name: 'name', label: 'params.name', required: true },
      { name: 'type', label: 'params.type', type: 'select', options: options(types, 'ptype') },
      { name: 'required', label: 'params.required', type: 'checkbox', default: true },
      { name: 'default', label: 'params.default' },
      { name: 'description', label: 'field.description', keepEmpty: true },
      p.type === 'string' || !p.type ? { name: 'pattern', label: 'params.pattern', hint: 'params.patternHint' } : null,
      { name: 'maxLength', label: 'params.maxLength', type: 'number', min: 1 },
      { name: 'min', label: 'params.min', type: 'number', step: 'any' },
      { name: 'max', label: 'params.max', type: 'number', step: 'any' },
    ].filter(Boolean),
    toItem: (v) => {
      const p = { ...v, required: v.required, description: v.description ?? '' };
      // A default is typed like its parameter.
      if (p.default !== undefined && ['integer', 'number'].includes(p.type)) p.default = Number(p.default);
      if (p.default !== undefined && p.type === 'boolean') p.default = p.default === 'true';
      return p;
    },
  });
}

/** Names a statement binds (`:nik`), leaving PostgreSQL casts (`::int`) alone. */
export function sqlParamNames(sql) {
  return [...new Set([...sql.matchAll(/(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))];
}
