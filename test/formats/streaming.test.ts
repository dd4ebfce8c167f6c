/** head + row* + tail must equal the whole document, for every format and both envelopes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formats, v1Document } from '../../src/formats/index.ts';
import { formatNames, type FormatName, type ResultMeta, type Row } from '../../src/formats/types.ts';
import { asText, mantraSuccess, penduduk, streamed } from './fixtures.ts';

const tricky: Row[] = [
  { id: 1, nama: 'Siti Nurhaliza', catatan: null, aktif: true, skor: 0.1, besar: '12345678901234567890' },
  { id: -2, nama: `Budi "Bud" O'Neil, Jr.\r\nbaris 2 <b>&</b> \\ / \u0000\u001f`, catatan: '', aktif: false, skor: 1e20, besar: '0' },
  { id: 3, nama: 'Désa Ngadirejo 😀 中文', catatan: 'tab\there', aktif: true, skor: -1.5, besar: '-1' },
];
const rowSets: [string, Row[]][] = [
  ['tricky', tricky],
  ['penduduk', penduduk()],
  ['one row', tricky.slice(0, 1)],
  ['no rows', []],
  ['rows without columns', [{}, {}]],
];
const metas: ResultMeta[] = [
  { rowCount: 3, truncated: true, limit: 3, offset: 0, nextCursor: 'eyJvIjozfQ==' },
  { rowCount: 3, truncated: undefined, nextCursor: undefined },
];

/** The value tree a v1 stream stands for; xml names each row after the operation, so its rows sit under it. */
function v1Value(format: FormatName, name: string, rows: Row[], meta: ResultMeta): unknown {
  return format === 'xml' ? { data: { [name]: rows }, meta } : { data: rows, meta };
}

for (const formatName of formatNames) {
  const format = formats[formatName];
  for (const [label, rows] of rowSets) {
    test(`${formatName} mantra, ${label}: head + rows + tail equals document() of the envelope`, () => {
      const name = 'penduduk_list';
      const whole = format.document(mantraSuccess(name, asText(rows)));
      assert.equal(streamed(format, { envelope: 'mantra', name }, rows, { rowCount: rows.length }), whole);
    });
    for (const meta of metas) {
      test(`${formatName} v1, ${label}, meta ${Object.keys(meta).length} keys: head + rows + tail equals the whole`, () => {
        const name = 'penduduk_list';
        const streamedText = streamed(format, { envelope: 'v1', name }, rows, meta);
        // json v1 is compact standard JSON; document() is the PHP-compatible pretty form.
        const whole = formatName === 'json' ? JSON.stringify({ data: rows, meta }) : format.document(v1Value(formatName, name, rows, meta));
        assert.equal(streamedText, whole);
      });
    }
  }
}

test('csv rows take the header from opts.columns, in that order', () => {
  const columns = ['nama', 'id', 'skor'];
  const picked = tricky.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])));
  assert.equal(streamed(formats.csv, { envelope: 'v1', name: 'x', columns }, tricky, { rowCount: 3 }), formats.csv.document(picked));
});

test('v1Document equals the v1 stream for every format', () => {
  for (const formatName of formatNames) {
    for (const [label, rows] of rowSets) {
      const meta = metas[0];
      const expected = streamed(formats[formatName], { envelope: 'v1', name: 'op' }, rows, meta);
      assert.equal(v1Document(formats[formatName], 'op', rows, meta), expected, `${formatName}, ${label}`);
    }
  }
});
