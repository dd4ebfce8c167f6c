// A composite operation: named steps, each calling another operation with parameters computed (JSONata) from the
// caller's values and earlier steps; what a failed step leaves; a JSONata expression that shapes the merged answer.
import { h } from './dom.js';
import { form, options } from './form.js';
import { t } from './i18n.js';
import { listEditor } from './list-editor.js';

/** "nik = $params.nik" lines ⇄ the step's params record. */
const toLines = (params = {}) => Object.entries(params).map(([k, v]) => `${k} = ${v}`);
const fromLines = (lines = []) => Object.fromEntries(lines.map((l) => {
  const i = l.indexOf('=');
  return i < 0 ? [l.trim(), ''] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
}).filter(([k]) => k));

function failureMode(step) {
  if (step.onFailure && typeof step.onFailure === 'object') return { mode: 'default', fallback: JSON.stringify(step.onFailure.default) };
  return { mode: step.onFailure ?? (step.optional ? 'omit' : 'fail'), fallback: '' };
}

export function compositeEditor(spec = {}, operations = []) {
  const choices = operations.map((o) => ({ value: `${o.agency}/${o.service}/${o.slug}`, label: `${o.agency}/${o.service}/${o.slug} (${t(`opkind.${o.kind}`)})` }));
  const steps = listEditor({
    legend: 'composite.steps', addLabel: 'composite.addStep',
    values: (spec.steps ?? []).map((s) => ({ ...s, target: `${s.agency}/${s.service}/${s.operation}`, paramLines: toLines(s.params), ...failureMode(s) })),
    newItem: () => ({ target: choices[0]?.value, paramLines: [], needs: [], mode: 'fail', timeoutMs: 10000 }),
    fields: () => [
      { name: 'name', label: 'composite.name', required: true, hint: 'composite.nameHint' },
      { name: 'target', label: 'composite.operation', type: 'select', required: true, options: choices },
      { name: 'paramLines', label: 'composite.params', type: 'lines', hint: 'composite.paramsHint', wide: true },
      { name: 'needs', label: 'composite.needs', type: 'lines', hint: 'composite.needsHint' },
      { name: 'timeoutMs', label: 'composite.timeout', type: 'number', min: 10, default: 10000 },
      { name: 'mode', label: 'composite.onFailure', type: 'select', options: options(['fail', 'omit', 'default'], 'cfail') },
      { name: 'fallback', label: 'composite.fallback', hint: 'composite.fallbackHint' },
    ],
    toItem: (v) => {
      const [agency, service, operation] = String(v.target ?? '').split('/');
      let onFailure = v.mode === 'default' ? { default: parseValue(v.fallback) } : v.mode;
      if (onFailure === undefined) onFailure = 'fail';
      return { name: v.name, agency, service, operation, params: fromLines(v.paramLines), needs: v.needs ?? [], timeoutMs: v.timeoutMs ?? 10000, onFailure };
    },
  });
  const whole = form([
    { name: 'timeoutMs', label: 'composite.totalTimeout', type: 'number', min: 10, default: 30000 },
    { name: 'expression', label: 'composite.expression', type: 'textarea', rows: 4, hint: 'composite.expressionHint' },
  ], spec);
  return {
    el: h('div', { id: 'composite-editor' }, steps.el, whole.el),
    read: () => ({ steps: steps.read(), ...whole.read() }),
    showIssues: (issues) => steps.showIssues('composite.steps', issues),
  };
}

/** A default value as JSON when it parses, else as text. */
function parseValue(text) {
  if (text === undefined || text === '') return null;
  try { return JSON.parse(text); } catch { return text; }
}
