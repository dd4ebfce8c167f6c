import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndjson } from '../../src/formats/ndjson.ts';
import { asText, mantraSuccess, penduduk, streamed } from './fixtures.ts';

const rows = [
  { id: 1, text: 'line\nbreak \u2028 "quoted" 😀', none: null, ok: true, ratio: 0.1 },
  { id: 2, text: '', none: null, ok: false, ratio: -1e20 },
];

function lines(text: string): unknown[] {
  assert.ok(text.endsWith('\n'));
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line));
}

test('ndjson.document writes one JSON row per line', () => {
  assert.deepEqual(lines(ndjson.document(rows)), rows);
  assert.deepEqual(lines(ndjson.document({ data: rows, meta: { rowCount: 2 } })), rows);
});

test('ndjson mantra rows are database text, one per line', () => {
  const data = penduduk().slice(0, 10);
  const text = streamed(ndjson, { envelope: 'mantra', name: 'penduduk_list' }, data, { rowCount: 10 });
  assert.deepEqual(lines(text), asText(data));
  assert.equal(text, ndjson.document(mantraSuccess('penduduk_list', asText(data))));
});

test('ndjson.document of a non-table value is one line', () => {
  assert.deepEqual(lines(ndjson.document('x')), ['x']);
  assert.deepEqual(lines(ndjson.document({ a: { b: 1 } })), [{ a: { b: 1 } }]);
});
