// Tracks, the audit trail: filter, page through, open one entry, export what the filter finds (CSV or NDJSON, with
// the hashes that verify it), verify the whole chain, and for administrators the data-subject report (who asked
// about one value, e.g. a NIK) and the answers an operation keeps.
import { api } from './api.js';
import { action, download, errorBox, fill, h, table } from './dom.js';
import { form, options } from './form.js';
import { t } from './i18n.js';
import { can } from './roles.js';
import { dateTime, number } from './time.js';

const PAGE = 50;
const shownFields = ['seq', 'at', 'requestId', 'interface', 'agency', 'service', 'operation', 'consumer', 'subscription', 'credential', 'remote',
  'userAgent', 'format', 'status', 'code', 'durationMs', 'backendMs', 'bytes', 'rows', 'cache', 'purpose', 'legalBasis', 'params', 'note',
  'signature', 'answerDigest', 'prevHash', 'hash'];

export async function renderTracks(main) {
  const filters = form([
    { name: 'operation', label: 'tracks.operation', hint: 'tracks.operationHint' },
    { name: 'consumer', label: 'tracks.consumer' },
    { name: 'agency', label: 'field.agency' },
    { name: 'interface', label: 'tracks.interface', type: 'select', options: [{ value: '', label: t('tracks.any') }, ...options(['compat', 'v1', 'soap', 'admin', 'oauth'], 'tiface')] },
    { name: 'status', label: 'tracks.status', type: 'select', options: [{ value: '', label: t('tracks.any') }, { value: 'ok', label: t('tracks.ok') }, { value: 'error', label: t('tracks.error') }] },
    { name: 'from', label: 'tracks.from', type: 'datetime' },
    { name: 'to', label: 'tracks.to', type: 'datetime' },
  ], { from: new Date(Date.now() - 86_400_000).toISOString() });
  const listBox = h('div', { id: 'track-list' });
  const detail = h('div', { id: 'track-detail' });
  const tools = h('div', { id: 'track-tools' });
  let after = 0;
  const pages = [];

  fill(main, h('h1', {}, t('tracks.title')), h('p', { class: 'muted' }, t('tracks.intro')),
    h('form', { class: 'card', id: 'track-filters', onsubmit: (e) => { e.preventDefault(); pages.length = 0; after = 0; load(); } },
      filters.el, h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('tracks.search')),
        action(t('tracks.exportCsv'), () => exportAll('csv'), { class: 'secondary' }),
        action(t('tracks.exportNdjson'), () => exportAll('ndjson'), { class: 'secondary' }),
        action(t('tracks.verify'), verify, { class: 'secondary' }),
        action(t('tracks.checkpoints'), async () => {
          const r = await api('/audit/checkpoints');
          download('mantra-checkpoints.json', JSON.stringify(r, null, 2), 'application/json');
        }, { class: 'secondary' }))),
    tools, detail, listBox,
    can.subjectReport() ? subjectCard() : null);

  const query = () => ({ ...filters.read(), limit: PAGE });

  async function load() {
    try {
      const page = await api('/audit/tracks', { query: { ...query(), after } });
      // A compact table, also on tablets (it scrolls in its box): the number opens the entry.
      fill(listBox, table([
        { label: t('tracks.seq'), value: (r) => h('button', { type: 'button', class: 'small secondary', 'aria-label': `${t('tracks.open')} ${r.seq}`, onclick: () => open(r) }, String(r.seq)) },
        { label: t('tracks.at'), value: (r) => dateTime(r.at, { seconds: true }) },
        { label: t('tracks.interface'), value: (r) => r.interface },
        { label: t('tracks.operation'), value: (r) => (r.interface === 'admin' ? r.operation : `${r.agency}/${r.service}/${r.operation}`) },
        { label: t('tracks.consumer'), value: (r) => r.consumer ?? '' },
        { label: t('tracks.result'), value: (r) => h('span', { class: `badge ${r.status < 400 && (r.code === 200 || r.code === 0) ? 'ok' : 'bad'}` }, `${r.status} · ${r.code}`) },
        { label: t('tracks.duration'), value: (r) => `${number(r.durationMs)} ms`, num: true },
      ], page.items, { label: t('tracks.title'), empty: t('tracks.none'), stack: false, rowData: (r) => ({ seq: r.seq, operation: r.operation }) }),
      h('div', { class: 'actions' },
        pages.length ? h('button', { type: 'button', class: 'secondary', onclick: () => { after = pages.pop(); load(); } }, t('tracks.previous')) : null,
        page.next !== undefined ? h('button', { type: 'button', class: 'secondary', id: 'track-next', onclick: () => { pages.push(after); after = page.next; load(); } }, t('tracks.next')) : null));
    } catch (err) {
      fill(listBox, errorBox(err));
    }
  }

  function open(r) {
    const rows = shownFields.filter((f) => r[f] !== undefined && r[f] !== '').map((f) => [f, f === 'at' ? `${dateTime(r.at, { seconds: true })} (${r.at})` : typeof r[f] === 'object' ? JSON.stringify(r[f]) : String(r[f])]);
    const kept = h('div');
    fill(detail, h('section', { class: 'card', 'aria-labelledby': 'track-h' },
      h('h2', { id: 'track-h', tabindex: '-1' }, t('tracks.detail', { seq: r.seq })),
      h('dl', { class: 'grid' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, t(`trackfield.${k}`)), h('dd', { class: 'break' }, v)))),
      r.answerDigest && can.subjectReport() ? action(t('tracks.keptAnswer'), async () => {
        try {
          const a = await api(`/audit/tracks/${r.seq}/answer`);
          fill(kept, h('p', {}, t(a.intact ? 'tracks.intact' : 'tracks.notIntact')), h('pre', { class: 'code' }, a.answer));
        } catch (err) { fill(kept, errorBox(err)); }
      }, { class: 'secondary' }) : null, kept,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => fill(detail) }, t('common.close')))));
    detail.querySelector('h2').focus();
  }

  /** Every page of what the filter finds, joined into one file. */
  async function exportAll(format) {
    let cursor = 0;
    const parts = [];
    for (;;) {
      const { text, headers } = await api('/audit/tracks', { query: { ...query(), limit: 1000, after: cursor, format }, as: 'text' });
      parts.push(parts.length && format === 'csv' ? text.slice(text.indexOf('\n') + 1) : text);
      const next = headers.get('x-mantra-next');
      if (!next) break;
      cursor = Number(next);
    }
    download(`mantra-tracks.${format === 'csv' ? 'csv' : 'ndjson'}`, parts.join(''), format === 'csv' ? 'text/csv' : 'application/x-ndjson');
  }

  async function verify() {
    try {
      const r = await api('/audit/verify');
      fill(tools, h('div', { class: r.ok ? 'card' : 'error-box', role: 'status', id: 'verify-result' },
        h('strong', {}, t(r.ok ? 'tracks.verifyOk' : 'tracks.verifyBad')), ' ',
        t('tracks.verifyStats', { tracks: number(r.tracks), checkpoints: number(r.checkpoints), unsigned: number(r.unsigned) }),
        r.problem ? h('p', {}, r.problem.message) : null));
    } catch (err) {
      fill(tools, errorBox(err));
    }
  }

  await load();
}

function subjectCard() {
  const f = form([{ name: 'value', label: 'tracks.subjectValue', required: true, hint: 'tracks.subjectHint', autocomplete: 'off' }], {}, { single: true });
  const out = h('div', { id: 'subject-result' });
  return h('form', { class: 'card', id: 'subject-form', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const r = await api('/audit/subject', { method: 'POST', body: f.read() });
      fill(out, h('p', {}, t('tracks.subjectCount', { n: r.calls.length }), r.truncated ? ` ${t('tracks.truncated')}` : ''),
        table([
          { label: t('tracks.at'), value: (c) => dateTime(c.at, { seconds: true }) },
          { label: t('tracks.operation'), value: (c) => `${c.agency}/${c.service}/${c.operation}` },
          { label: t('tracks.consumer'), value: (c) => c.consumer ?? '' },
          { label: t('subs.purpose'), value: (c) => c.purpose ?? '' },
          { label: t('subs.legalBasis'), value: (c) => c.legalBasis ?? '' },
          { label: t('tracks.params'), value: (c) => c.params.join(', ') },
          { label: t('tracks.result'), value: (c) => `${c.status} · ${c.code}` },
        ], r.calls, { label: t('tracks.subject'), empty: t('tracks.none') }));
    } catch (err) {
      fill(out, errorBox({ message: err.message, issues: f.showIssues(err.issues) }));
    }
  } }, h('h2', {}, t('tracks.subject')), h('p', { class: 'muted' }, t('tracks.subjectIntro')), f.el,
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('tracks.subjectRun'))), out);
}
