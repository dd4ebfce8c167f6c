/** Byte equality with what the original MANTRA answered (test/fixtures/compat/golden). */
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formats } from '../../src/formats/index.ts';
import type { FormatName } from '../../src/formats/types.ts';
import { asText, golden, goldenDir, mantraError, mantraSuccess, penduduk, streamed } from './fixtures.ts';

// The golden file prefix is the original's URL segment; `api` answers PHP serialize().
const prefixes: Record<string, FormatName> = { json: 'json', xml: 'xml', api: 'serialize' };

const rows = penduduk();
const byNik = rows.filter((r) => r.nik === '3201000000000042');
const found: [string, string, typeof rows][] = [
  ['by_nik_pg_found', 'penduduk_by_nik', byNik],
  ['post_form_pg', 'penduduk_by_nik', byNik],
  ['list_pg', 'penduduk_list', rows],
];

const notFound = 'Hasil operasi data "dukcapil:kependudukan.penduduk_by_nik" tidak ada (kosong)';
const notRegistered = 'Fungsi operasi tidak terdaftar';
const errors: [string, number, string, string[]][] = [
  ['by_nik_pg_notfound', 10012, notFound, ['json', 'xml', 'api']],
  ['wrong_accesskey', 10002, notRegistered, ['json', 'xml', 'api']],
  ['unknown_operation', 10002, notRegistered, ['json', 'xml', 'api']],
  ['empty_accesskey', 10001, 'Operasi tidak memiliki izin, karena kunci akses tidak terdaftar (kosong)', ['json', 'xml', 'api']],
  ['list_pg_with_param', 10005, 'Seluruh parameter fungsi operasi wajib diisi', ['json']],
  ['by_nik_pg_wrong_param_name', 10005, 'Seluruh parameter fungsi operasi wajib diisi', ['json']],
];

for (const [prefix, formatName] of Object.entries(prefixes)) {
  const format = formats[formatName];
  for (const [stem, name, data] of found) {
    const file = `${prefix}_${stem}`;
    test(`${file}: document() of the envelope equals the golden body`, () => {
      assert.equal(format.document(mantraSuccess(name, asText(data))), golden(file));
    });
    test(`${file}: head + rows + tail equals the golden body`, () => {
      assert.equal(streamed(format, { envelope: 'mantra', name }, data, { rowCount: data.length }), golden(file));
    });
  }
  for (const [stem, code, message, prefixesWithFile] of errors) {
    if (!prefixesWithFile.includes(prefix)) continue;
    const file = `${prefix}_${stem}`;
    test(`${file}: document() of the error envelope equals the golden body`, () => {
      assert.equal(format.document(mantraError(code, message)), golden(file));
    });
  }
}

test('every golden body is checked', () => {
  const checked = Object.keys(prefixes).flatMap((prefix) => [
    ...found.map(([stem]) => `${prefix}_${stem}.body`),
    ...errors.filter(([, , , p]) => p.includes(prefix)).map(([stem]) => `${prefix}_${stem}.body`),
  ]);
  const files = readdirSync(goldenDir).filter((f) => f.endsWith('.body'));
  assert.deepEqual(checked.sort(), files.sort());
});
