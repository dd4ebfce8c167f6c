// Checking a composite before saving it (the checks saving runs, and the stages its steps run in), and a dry run of a
// saved one with sample values: every step's input, output, status and time, and the merged answer.
import { api, path } from './api.js';
import { action, errorBox, fill, h } from './dom.js';
import { t } from './i18n.js';

/** draft() → the operation as the builder holds it; saved: {agency, service, slug, params} once stored. */
export function dryRunPanel(draft, saved) {
  const out = h('div', { id: 'composite-check', 'aria-live': 'polite' });
  const samples = (saved?.params ?? []).map((p) => {
    const id = `sample-${p.name}`;
    return { name: p.name, el: h('input', { id, name: p.name }), label: h('label', { for: id }, p.name) };
  });
  return h('section', { class: 'card', 'aria-labelledby': 'dry-h' },
    h('h3', { id: 'dry-h' }, t('composite.checkTitle')),
    h('p', { class: 'muted' }, t('composite.checkIntro')),
    h('div', { class: 'actions' }, action(t('composite.validate'), async () => {
      try {
        const r = await api('/composites/validate', { method: 'POST', body: draft() });
        fill(out, h('p', { class: 'badge ok' }, t('composite.valid')),
          h('ol', {}, r.stages.map((stage) => h('li', {}, stage.join(', ')))), h('p', { class: 'hint' }, t('composite.stagesHint')));
      } catch (err) {
        fill(out, errorBox(err));
      }
    }, { class: 'secondary', id: 'composite-validate' })),
    saved ? h('div', {},
      h('h3', {}, t('composite.dryRun')),
      samples.length ? h('div', { class: 'grid' }, samples.map((s) => h('div', {}, s.label, s.el))) : null,
      h('div', { class: 'actions' }, action(t('composite.run'), async () => {
        const params = Object.fromEntries(samples.filter((s) => s.el.value !== '').map((s) => [s.name, s.el.value]));
        try {
          const r = await api(`${path('operations', saved.agency, saved.service, saved.slug)}/dry-run`, { method: 'POST', body: { params } });
          fill(out, result(r));
        } catch (err) {
          fill(out, errorBox(err));
        }
      }, { id: 'composite-run' })))
      : h('p', { class: 'hint' }, t('composite.saveFirst')),
    out);
}

function result(r) {
  return h('div', { id: 'dry-run-result' },
    h('p', {}, h('span', { class: `badge ${r.complete ? 'ok' : 'bad'}` }, t(r.complete ? 'composite.complete' : 'composite.partial')),
      r.error ? ` ${r.error.code}: ${r.error.message}` : ''),
    r.steps.map((s) => h('div', { class: `step-result ${s.status === 'ok' ? 'ok' : s.status === 'failed' ? 'failed' : ''}` },
      h('strong', {}, `${s.name} → ${s.operation}`), ' ',
      h('span', { class: `badge ${s.status === 'ok' ? 'ok' : 'bad'}` }, t(`stepstatus.${s.status}`)),
      ` ${t('composite.timing', { start: Math.round(s.startMs), ms: Math.round(s.ms) })}`,
      s.error ? h('p', { class: 'field-error' }, `${s.code ?? ''} ${s.error}`) : null,
      s.input ? h('p', {}, `${t('composite.input')}: `, h('code', {}, JSON.stringify(s.input))) : null,
      s.output !== undefined ? h('details', {}, h('summary', {}, t('composite.output') + (s.outputItems ? ` (${s.outputItems})` : '')),
        h('pre', { class: 'code' }, JSON.stringify(s.output, null, 2))) : null)),
    h('h4', {}, t('composite.answer')),
    h('pre', { class: 'code' }, JSON.stringify(r.data ?? null, null, 2)));
}
