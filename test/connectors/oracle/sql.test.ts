/**
 * What the oracle connector sends: double-quoted identifiers, OFFSET … FETCH paging, `:name` parameters bound by
 * position; checked against node-oracledb's own SQL parser (thin mode), which must find one bind per value.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { compileData } from '../../../connectors/sql/index.ts';
import { bindValues } from '../../../connectors/oracle/values.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';

const require = createRequire(import.meta.url);
const { Statement } = require('oracledb/lib/thin/statement.js') as { Statement: new () => { _prepare(sql: string): void; bindInfoList: { bindName: string }[] } };

/** The bind names node-oracledb finds in a statement, in order. */
function driverBinds(sql: string): string[] {
  const s = new Statement();
  s._prepare(sql);
  return s.bindInfoList.map((b) => b.bindName);
}

const spec = (s: Record<string, unknown>) => DataSpec.parse({ connector: 'db', ...s });

describe('oracle SQL and binds', () => {
  test('table form: quoted identifiers, schema-qualified, positional binds the driver agrees with', () => {
    const byNip = compileData(spec({ form: 'table', table: 'HR.PEGAWAI', columns: ['nip', 'nama'], conditions: [{ column: 'nip', param: 'nip' }, { column: 'status', op: '<>', value: 'X' }] }), 'oracle');
    const plan = byNip({ nip: '19800101' });
    assert.equal(plan.type, 'sql');
    if (plan.type !== 'sql') return;
    assert.equal(plan.sql, 'SELECT "nip", "nama" FROM "HR"."PEGAWAI" WHERE "nip" = :1 AND "status" <> :2');
    assert.deepEqual(plan.params, ['19800101', 'X']);
    assert.deepEqual(driverBinds(plan.sql), ['1', '2']);
  });

  test('paging: OFFSET :n ROWS FETCH NEXT :m ROWS ONLY, the offset bound first', () => {
    const list = compileData(spec({ form: 'table', table: 'PEGAWAI', columns: ['nip'], order: [{ column: 'nip' }], limit: 10 }), 'oracle');
    const plan = list({}, { limit: 3, offset: 20 });
    if (plan.type !== 'sql') return assert.fail();
    assert.equal(plan.sql, 'SELECT "nip" FROM "PEGAWAI" ORDER BY "nip" ASC OFFSET :1 ROWS FETCH NEXT :2 ROWS ONLY');
    assert.deepEqual(plan.params, [20, 3]);
    assert.deepEqual(driverBinds(plan.sql).length, plan.params.length);
  });

  test('SQL form: :nik used twice is bound twice (Oracle binds SQL placeholders by occurrence); quoted text and q-quotes are left alone', () => {
    const q = compileData(spec({ form: 'sql', sql: "SELECT nama, ':x' AS t, q'[it's :no]' AS u FROM penduduk WHERE nik = :nik OR nik_lama = :nik AND tgl >= :dari" }), 'oracle');
    const plan = q({ nik: '3201', dari: '2024-01-01' });
    if (plan.type !== 'sql') return assert.fail();
    assert.equal(plan.sql, "SELECT nama, ':x' AS t, q'[it's :no]' AS u FROM penduduk WHERE nik = :1 OR nik_lama = :2 AND tgl >= :3");
    assert.deepEqual(plan.params, ['3201', '3201', '2024-01-01']);
    assert.deepEqual(driverBinds(plan.sql), ['1', '2', '3']);
  });

  test('a statement with its own FETCH FIRST is wrapped before paging', () => {
    const q = compileData(spec({ form: 'sql', sql: 'SELECT nip FROM pegawai ORDER BY nip FETCH FIRST 5 ROWS ONLY' }), 'oracle');
    const plan = q({}, { limit: 2 });
    if (plan.type !== 'sql') return assert.fail();
    assert.equal(plan.sql, 'SELECT * FROM (\nSELECT nip FROM pegawai ORDER BY nip FETCH FIRST 5 ROWS ONLY\n) mantra_page OFFSET 0 ROWS FETCH NEXT :1 ROWS ONLY');
    assert.deepEqual(driverBinds(plan.sql).length, 1);
  });

  test('upsert is a MERGE from dual; bound values: booleans as 1/0, NULL kept', () => {
    const up = compileData(spec({ form: 'table', table: 'PEGAWAI', action: 'upsert', write: true, columns: ['nip', 'aktif'], keys: ['nip'] }), 'oracle');
    const plan = up({ nip: '1', aktif: true });
    if (plan.type !== 'sql') return assert.fail();
    assert.match(plan.sql, /^MERGE INTO "PEGAWAI" tgt USING \(SELECT :1 AS "nip", :2 AS "aktif" FROM dual\) src/);
    assert.deepEqual(bindValues(plan.params), ['1', 1]);
    assert.deepEqual(bindValues([false, null, 'x', 2.5]), [0, null, 'x', 2.5]);
    assert.equal(driverBinds(plan.sql).length, 2);
  });
});
