// Output shaping of an operation: keep and rename fields, map codes to labels, or a JSONata expression; and what the
// audit trail keeps of its calls. Field rules that hide or mask fields per subscription are set on the subscription.
import { h } from './dom.js';
import { form } from './form.js';
import { t } from './i18n.js';
import { listEditor } from './list-editor.js';

/** "L = Laki-laki" lines per field ⇄ labels record. */
const labelLines = (labels = {}) => Object.entries(labels).flatMap(([field, map]) => Object.entries(map).map(([code, label]) => `${field}.${code} = ${label}`));
function labelsFrom(lines = []) {
  const out = {};
  for (const line of lines) {
    const m = line.match(/^([^.=\s]+)\.([^=]+?)\s*=\s*(.*)$/);
    if (m) (out[m[1]] ??= {})[m[2].trim()] = m[3];
  }
  return out;
}

export function shapeEditor(shape = {}, audit = {}) {
  const fields = listEditor({
    legend: 'shape.fields', addLabel: 'shape.addField', values: shape.fields ?? [],
    newItem: () => ({}),
    fields: () => [{ name: 'from', label: 'shape.from', required: true }, { name: 'as', label: 'shape.as' }],
  });
  const rest = form([
    { name: 'labelLines', label: 'shape.labels', type: 'lines', hint: 'shape.labelsHint', wide: true },
    { name: 'jsonata', label: 'shape.jsonata', type: 'textarea', rows: 3, hint: 'shape.jsonataHint' },
  ], { labelLines: labelLines(shape.labels), jsonata: shape.jsonata });
  const trail = form([
    { name: 'keepParams', label: 'audit.keepParams', type: 'lines', hint: 'audit.keepParamsHint' },
    { name: 'dropParams', label: 'audit.dropParams', type: 'lines', hint: 'audit.dropParamsHint' },
    { name: 'storeAnswers', label: 'audit.storeAnswers', type: 'checkbox' },
    { name: 'signAnswers', label: 'audit.signAnswers', type: 'checkbox' },
  ], audit);
  return {
    el: h('div', { id: 'shape-editor' }, h('p', { class: 'muted' }, t('shape.intro')), fields.el, rest.el,
      h('fieldset', {}, h('legend', {}, t('audit.legend')), trail.el)),
    read() {
      const f = fields.read();
      const { labelLines: lines, jsonata } = rest.read();
      const labels = labelsFrom(lines);
      const shape = {
        ...(f.length ? { fields: f } : {}),
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(jsonata ? { jsonata } : {}),
      };
      const a = trail.read();
      const auditSpec = { keepParams: a.keepParams ?? [], dropParams: a.dropParams ?? [], storeAnswers: a.storeAnswers, signAnswers: a.signAnswers };
      const anyAudit = auditSpec.keepParams.length || auditSpec.dropParams.length || auditSpec.storeAnswers || auditSpec.signAnswers;
      return { shape: Object.keys(shape).length ? shape : undefined, audit: anyAudit ? auditSpec : undefined };
    },
  };
}
