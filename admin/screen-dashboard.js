// The dashboard: traffic over time from the statistics route: calls per period, success and failure stacked by agency
// and by operation kind, latency percentiles, and the top operations and consumers. Each role sees its own share.
import { api, list } from './api.js';
import { errorBox, fill, h, table } from './dom.js';
import { t } from './i18n.js';
import { chartBox, colour } from './charts.js';
import { hourLabel, number } from './time.js';

const spans = { hour: 'dash.last24h', minute: 'dash.lastHour', day: 'dash.last30d' };
const stepMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const keyLength = { minute: 16, hour: 13, day: 10 };

/** Every period from..to as the statistics name them ("2026-12-01T09" for an hour). */
function periods(from, to, period) {
  const parse = (s) => Date.parse(period === 'day' ? `${s}T00:00:00Z` : period === 'hour' ? `${s}:00:00Z` : `${s}:00Z`);
  const out = [];
  for (let at = parse(from); at <= parse(to) && out.length < 1000; at += stepMs[period]) out.push(new Date(at).toISOString().slice(0, keyLength[period]));
  return out;
}

const label = (start, period) => (period === 'day' ? start : hourLabel(start));

export async function renderDashboard(main) {
  let period = 'hour';
  const body = h('div', { id: 'dashboard' });
  const picker = h('select', { id: 'dash-period', onchange: () => { period = picker.value; draw(); } },
    Object.entries(spans).map(([p, key]) => h('option', { value: p, selected: p === period }, t(key))));
  fill(main, h('div', { class: 'spread' }, h('h1', {}, t('nav.dashboard')),
    h('div', { class: 'row' }, h('label', { for: 'dash-period' }, t('dash.period')), picker,
      h('button', { type: 'button', class: 'secondary', id: 'dash-refresh', onclick: () => draw() }, t('dash.refresh')))), body);

  async function draw() {
    try {
      const q = (by) => api('/stats', { query: { period, by } });
      const [total, byAgency, byOperation, byConsumer, operations] = await Promise.all([q('total'), q('agency'), q('operation'), q('consumer'), list('/operations').catch(() => [])]);
      const keys = periods(total.from, total.to, period);
      const labels = keys.map((k) => label(k, period));
      const sum = total.series[0]?.total ?? { calls: 0, errors: 0 };
      const kindOf = new Map(operations.map((o) => [`${o.agency}/${o.service}/${o.slug}`, o.kind]));
      const byKind = groupBy(byOperation.series, (s) => kindOf.get(`${s.agency}/${s.service}/${s.operation}`) ?? 'unknown');

      fill(body,
        h('div', { class: 'kpis' },
          kpi('dash.calls', number(sum.calls)), kpi('dash.failures', number(sum.errors)),
          kpi('dash.errorRate', sum.calls ? `${((sum.errors / sum.calls) * 100).toFixed(1)}%` : '—'),
          kpi('dash.p95', sum.p95 !== undefined ? `${number(Math.round(sum.p95))} ms` : '—')),
        sum.calls ? null : h('p', { class: 'muted', id: 'dash-empty' }, t('dash.noCalls')),
        h('div', { class: 'charts' },
          callsChart(keys, labels, total.series[0]),
          stackedChart('chart-agency', t('dash.byAgency'), keys, labels, byAgency.series.map((s) => ({ name: s.agency, points: s.points }))),
          stackedChart('chart-kind', t('dash.byKind'), keys, labels, byKind.map(([kind, points]) => ({ name: t(`opkind.${kind}`), points }))),
          latencyChart(keys, labels, total.series[0]),
          topChart('chart-top-ops', t('dash.topOperations'), byOperation.series.map((s) => ({ name: `${s.agency}/${s.service}/${s.operation}`, total: s.total }))),
          topChart('chart-top-consumers', t('dash.topConsumers'), byConsumer.series.map((s) => ({ name: s.consumer || t('dash.noConsumer'), total: s.total })))));
    } catch (err) {
      fill(body, errorBox(err));
    }
  }
  await draw();
}

const kpi = (key, value) => h('div', { class: 'kpi' }, h('span', { class: 'muted' }, t(key)), h('strong', {}, value));

/** Series of one group summed per period. */
function groupBy(series, keyOf) {
  const groups = new Map();
  for (const s of series) {
    const g = groups.get(keyOf(s)) ?? new Map();
    for (const p of s.points) {
      const a = g.get(p.start) ?? { start: p.start, calls: 0, errors: 0 };
      a.calls += p.calls;
      a.errors += p.errors;
      g.set(p.start, a);
    }
    groups.set(keyOf(s), g);
  }
  return [...groups].map(([k, g]) => [k, [...g.values()]]);
}

const at = (points, keys, pick) => {
  const byStart = new Map((points ?? []).map((p) => [p.start, p]));
  return keys.map((k) => (byStart.has(k) ? pick(byStart.get(k)) : 0));
};

function callsChart(keys, labels, series) {
  const calls = at(series?.points, keys, (p) => p.calls);
  const total = calls.reduce((a, b) => a + b, 0);
  return chartBox('chart-calls', t('dash.callsPer'), t('dash.callsSummary', { n: number(total) }), {
    type: 'bar',
    data: { labels, datasets: [{ label: t('dash.calls'), data: calls, backgroundColor: colour(0) }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  }, [{ label: t('dash.time'), value: (r) => r.label }, { label: t('dash.calls'), value: (r) => number(r.calls), num: true }],
  labels.map((l, i) => ({ label: l, calls: calls[i] })).filter((r) => r.calls));
}

/** Success and failure per group, stacked: success of each group in its colour, failures in a lighter shade. */
function stackedChart(id, title, keys, labels, groups) {
  const datasets = groups.flatMap((g, i) => [
    { label: `${g.name} — ${t('dash.ok')}`, data: at(g.points, keys, (p) => p.calls - p.errors), backgroundColor: colour(i), stack: 'calls' },
    { label: `${g.name} — ${t('dash.failed')}`, data: at(g.points, keys, (p) => p.errors), backgroundColor: `${colour(i)}66`, borderColor: colour(i), borderWidth: 1, stack: 'calls' },
  ]);
  const rows = groups.map((g) => ({ name: g.name, calls: g.points.reduce((a, p) => a + p.calls, 0), errors: g.points.reduce((a, p) => a + p.errors, 0) }));
  return chartBox(id, title, rows.map((r) => `${r.name}: ${r.calls - r.errors} ${t('dash.ok')}, ${r.errors} ${t('dash.failed')}`).join('; ') || t('dash.noCalls'), {
    type: 'bar', data: { labels, datasets },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  }, [
    { label: t('dash.group'), value: (r) => r.name },
    { label: t('dash.ok'), value: (r) => number(r.calls - r.errors), num: true },
    { label: t('dash.failed'), value: (r) => number(r.errors), num: true },
  ], rows);
}

function latencyChart(keys, labels, series) {
  const lines = ['p50', 'p95', 'p99'].map((q, i) => ({ label: q, data: at(series?.points, keys, (p) => p[q] ?? null).map((v) => v || null), borderColor: colour(i), backgroundColor: colour(i), spanGaps: true }));
  const total = series?.total ?? {};
  return chartBox('chart-latency', t('dash.latency'), t('dash.latencySummary', { p50: number(Math.round(total.p50 ?? 0)), p95: number(Math.round(total.p95 ?? 0)), p99: number(Math.round(total.p99 ?? 0)) }), {
    type: 'line', data: { labels, datasets: lines },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
  }, [
    { label: t('dash.time'), value: (r) => r.label },
    ...['p50', 'p95', 'p99'].map((q) => ({ label: `${q} (ms)`, value: (r) => (r[q] ? number(Math.round(r[q])) : '—'), num: true })),
  ], (series?.points ?? []).map((p) => ({ label: label(p.start, p.start.length === 10 ? 'day' : 'hour'), ...p })));
}

function shortLabel(name) {
  if (name.length <= 20) return name;
  const last = name.split('/').pop();
  return last.length <= 20 ? `…/${last}` : `${last.slice(0, 19)}…`;
}

function topChart(id, title, entries) {
  const top = entries.filter((e) => e.total.calls).sort((a, b) => b.total.calls - a.total.calls).slice(0, 10);
  return chartBox(id, title, top.map((e) => `${e.name}: ${e.total.calls}`).join('; ') || t('dash.noCalls'), {
    type: 'bar',
    data: {
      labels: top.map((e) => e.name),
      datasets: [
        { label: t('dash.ok'), data: top.map((e) => e.total.calls - e.total.errors), backgroundColor: colour(2), stack: 's' },
        { label: t('dash.failed'), data: top.map((e) => e.total.errors), backgroundColor: colour(6), stack: 's' },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        // Long names show their last part (the operation); the whole name is in the tooltip and the table.
        y: { stacked: true, ticks: { callback(v) { return shortLabel(this.getLabelForValue(v)); } } },
      },
    },
  }, [
    { label: t('dash.name'), value: (e) => e.name },
    { label: t('dash.calls'), value: (e) => number(e.total.calls), num: true },
    { label: t('dash.failures'), value: (e) => number(e.total.errors), num: true },
    { label: 'p95 (ms)', value: (e) => (e.total.p95 !== undefined ? number(Math.round(e.total.p95)) : '—'), num: true },
  ], top);
}
