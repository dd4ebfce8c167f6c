// Charts on the dashboard, drawn by Chart.js (bundled, admin/vendor/chart.js). Each chart is an image with a text
// summary for screen readers and its numbers as a table beside it.
import { h, table } from './dom.js';
import { t } from './i18n.js';

const palette = ['#123c69', '#c25e00', '#1b6e3a', '#7b2d8e', '#0b6e8a', '#8a6d00', '#a3001c', '#4a5866'];
/** Two shades per series: success full, failure hatched lighter. */
export const colour = (i) => palette[i % palette.length];
const charts = new Map();

/** A chart in a box: `config` is Chart.js's; `rows`/`columns` give the same numbers as a table. */
export function chartBox(id, title, summary, config, columns, rows) {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': `${title}. ${summary}` });
  const box = h('section', { class: 'card', 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, title),
    h('div', { class: 'chart-box' }, canvas),
    h('details', { class: 'data-table' }, h('summary', {}, t('dash.asTable')), table(columns, rows, { label: title })));
  // Drawn once the canvas is in the page (Chart.js measures its box).
  requestAnimationFrame(() => {
    charts.get(id)?.destroy();
    if (!window.Chart || !canvas.isConnected) return;
    charts.set(id, new window.Chart(canvas, {
      ...config,
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        ...config.options,
      },
    }));
  });
  return box;
}
