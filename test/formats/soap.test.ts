/** The soap format: rows as the content of a SOAP response element, and whole values made rows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soap, valueRows } from '../../src/formats/soap.ts';

test('rows: one <row> each, fields named after their keys, null as xsi:nil, text escaped', () => {
  const enc = soap.rows({ envelope: 'soap', name: 'op' });
  assert.equal(enc.head(), '');
  assert.equal(enc.row({ nik: '1', n: 3.5, ok: true, kosong: null, 'a b': '<&>' }, 0),
    '<row><nik>1</nik><n>3.5</n><ok>true</ok><kosong xsi:nil="true"/><a_b>&lt;&amp;&gt;</a_b></row>');
  assert.equal(enc.row({ x: Infinity, y: Number.NaN }, 1), '<row><x>INF</x><y>NaN</y></row>');
  assert.equal(enc.tail({ rowCount: 2 }), '');
});

test('whole values: lists, MANTRA\'s {operation: [rows]}, a record, a scalar, nothing', () => {
  assert.deepEqual(valueRows([{ a: 1 }, 2]), [{ a: 1 }, { value: 2 }]);
  assert.deepEqual(valueRows({ penduduk: [{ a: 1 }, { a: 2 }] }), [{ a: 1 }, { a: 2 }]);
  assert.deepEqual(valueRows({ nik: '1', status: 'hidup' }), [{ nik: '1', status: 'hidup' }]);
  assert.deepEqual(valueRows({ hasil: { a: 1 } }), [{ hasil: { a: 1 } }]);
  assert.deepEqual(valueRows('ok'), [{ value: 'ok' }]);
  assert.deepEqual(valueRows(null), []);
});

test('nested values nest as MANTRA\'s XML does: a list repeats its key, a list in a list holds <item>', () => {
  assert.equal(soap.document({ nik: '1', alamat: { kota: 'Bogor' }, telp: ['1', '2'], m: [[1, 2]], e: {} }),
    '<row><nik>1</nik><alamat><kota>Bogor</kota></alamat><telp>1</telp><telp>2</telp><m><item>1</item><item>2</item></m><e/></row>');
});
