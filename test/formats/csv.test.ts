import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csv } from '../../src/formats/csv.ts';
import { mantraError, mantraSuccess, penduduk } from './fixtures.ts';
import { judge, phpMissing } from './php-judge.ts';

/**
 * A strict RFC 4180 reader: every record ends in CRLF; an empty unquoted field is null, `""` is ''.
 * Throws on anything RFC 4180 does not allow (bare quotes, bare CR or LF outside quotes).
 */
function parseCsv(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let cell = '';
      for (i++;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unclosed quote');
        cell += text.slice(i, q);
        i = q + 1;
        if (text[i] !== '"') break;
        cell += '"';
        i++;
      }
      record.push(cell);
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\r') j++;
      const raw = text.slice(i, j);
      if (/["\n]/.test(raw)) throw new Error(`bare quote or LF in ${JSON.stringify(raw)}`);
      record.push(raw === '' ? null : raw);
      i = j;
    }
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else throw new Error(`expected a comma or CRLF at ${i}`);
  }
  if (record.length) throw new Error('the last record has no CRLF');
  return records;
}

const rows = [
  { id: 1, name: 'comma, inside', note: null, empty: '', flag: true, ratio: 0.25, nested: { a: [1, 'x'] } },
  { id: -2, name: 'quote " and ""double""', note: 'line1\nline2\r\nline3\rend', empty: '', flag: false, ratio: -1.5, nested: [1, 2] },
  { id: 3, name: 'Désa Ngadirejo — “kutipan” 😀 中文', note: '  spaces  ', empty: '', flag: true, ratio: 100, nested: [] },
];

function expectedCell(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

test('csv.document round-trips commas, quotes, newlines, NULL vs empty string and non-ASCII text', () => {
  const records = parseCsv(csv.document(rows));
  assert.deepEqual(records[0], Object.keys(rows[0]));
  assert.deepEqual(records.slice(1), rows.map((r) => Object.values(r).map(expectedCell)));
});

test('csv.document agrees with PHP fgetcsv (which reads NULL and "" alike)', { skip: phpMissing }, () => {
  const text = csv.document(rows);
  const php = judge<string[][]>(
    `$f = fopen('php://memory', 'w+'); fwrite($f, $in); rewind($f);
     $out = []; while (($r = fgetcsv($f, null, ',', '"', '')) !== false) $out[] = $r;`,
    text,
  );
  assert.deepEqual(php, parseCsv(text).map((r) => r.map((c) => c ?? '')));
});

test('csv.document of a MANTRA envelope is its rows; of an error envelope one row of status, code, message, data', () => {
  const data = penduduk().slice(0, 5);
  assert.equal(csv.document(mantraSuccess('penduduk_list', data)), csv.document(data));
  const records = parseCsv(csv.document(mantraError(10002, 'Fungsi operasi tidak terdaftar')));
  assert.deepEqual(records, [['status', 'code', 'message', 'data'], ['0', '10002', 'Fungsi operasi tidak terdaftar', '']]);
});

test('csv.document heads rows with the union of their keys and writes scalars as one cell', () => {
  assert.deepEqual(parseCsv(csv.document([{ a: 1 }, { b: 2 }, { a: 3, c: 'x' }])), [['a', 'b', 'c'], ['1', null, null], [null, '2', null], ['3', null, 'x']]);
  assert.deepEqual(parseCsv(csv.document('one, cell')), [['one, cell']]);
  assert.deepEqual(parseCsv(csv.document([])), []);
});
