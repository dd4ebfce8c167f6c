import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileData } from '../../../connectors/sql/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import type { SqlPlan } from '../../../connectors/types.ts';

const spec = (s: Record<string, unknown>) => DataSpec.parse({ connector: 'db', ...s });
const sql = (p: unknown) => p as SqlPlan;

const byNik = spec({
  form: 'table',
  table: 'penduduk',
  columns: ['nik', 'nama'],
  conditions: [{ column: 'nik', param: 'nik' }, { column: 'status', op: '<>', value: 'mati' }],
});

describe('table form select per dialect', () => {
  const expected = {
    postgres: 'SELECT "nik", "nama" FROM "penduduk" WHERE "nik" = $1 AND "status" <> $2',
    mysql: 'SELECT `nik`, `nama` FROM `penduduk` WHERE `nik` = ? AND `status` <> ?',
    sqlite: 'SELECT "nik", "nama" FROM "penduduk" WHERE "nik" = ? AND "status" <> ?',
    mssql: 'SELECT [nik], [nama] FROM [penduduk] WHERE [nik] = @p1 AND [status] <> @p2',
    oracle: 'SELECT "nik", "nama" FROM "penduduk" WHERE "nik" = :1 AND "status" <> :2',
  } as const;
  for (const [kind, text] of Object.entries(expected)) {
    test(kind, () => {
      const plan = sql(compileData(byNik, kind as keyof typeof expected)({ nik: '3201000000000042' }));
      assert.deepEqual(plan, { type: 'sql', sql: text, params: ['3201000000000042', 'mati'], write: false });
    });
  }

  test('fixed values are bound, never written into the SQL', () => {
    const s = spec({ form: 'table', table: 't', conditions: [{ column: 'a', value: "x' OR '1'='1" }, { column: 'b', value: 5, join: 'OR' }] });
    const plan = sql(compileData(s, 'postgres')({}));
    assert.equal(plan.sql, 'SELECT * FROM "t" WHERE "a" = $1 OR "b" = $2');
    assert.deepEqual(plan.params, ["x' OR '1'='1", 5]);
  });

  test('caller input such as an injection attempt is only bound', () => {
    const plan = sql(compileData(byNik, 'mysql')({ nik: "' OR 1=1 --" }));
    assert.ok(!plan.sql.includes('OR 1=1'));
    assert.equal(plan.params[0], "' OR 1=1 --");
  });

  test('all operators, order, and the list of caller parameters', () => {
    const s = spec({
      form: 'table',
      table: 'app.t',
      conditions: ['=', '<>', '<', '<=', '>', '>=', 'LIKE'].map((op, i) => ({ column: `c${i}`, op, param: `p${i}` })),
      order: [{ column: 'c0' }, { column: 'c1', dir: 'DESC' }],
    });
    const c = compileData(s, 'postgres');
    assert.deepEqual(c.names, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    assert.equal(
      sql(c({})).sql,
      'SELECT * FROM "app"."t" WHERE "c0" = $1 AND "c1" <> $2 AND "c2" < $3 AND "c3" <= $4 AND "c4" > $5 AND "c5" >= $6 ' +
        'AND "c6" LIKE $7 ORDER BY "c0" ASC, "c1" DESC',
    );
    assert.deepEqual(sql(c({})).params, [null, null, null, null, null, null, null]);
  });
});

describe('paging', () => {
  const list = spec({ form: 'table', table: 't', order: [{ column: 'id' }], limit: 100 });

  test('the operation limit applies without a caller page', () => {
    assert.deepEqual(sql(compileData(list, 'postgres')({})), {
      type: 'sql', sql: 'SELECT * FROM "t" ORDER BY "id" ASC LIMIT $1', params: [100], write: false,
    });
  });

  test('a caller page can only narrow the operation limit', () => {
    const c = compileData(list, 'postgres');
    assert.deepEqual(sql(c({}, { limit: 10, offset: 20 })).params, [10, 20]);
    assert.deepEqual(sql(c({}, { limit: 1000 })).params, [100]);
    assert.equal(sql(c({}, { limit: 1000 })).sql, 'SELECT * FROM "t" ORDER BY "id" ASC LIMIT $1');
  });

  test('the operation offset moves the caller offset', () => {
    const c = compileData(spec({ form: 'table', table: 't', offset: 5 }), 'sqlite');
    assert.deepEqual(sql(c({})), { type: 'sql', sql: 'SELECT * FROM "t" LIMIT -1 OFFSET ?', params: [5], write: false });
    assert.deepEqual(sql(c({}, { offset: 10, limit: 3 })).params, [3, 15]);
  });

  test('per dialect', () => {
    const page = { limit: 10, offset: 20 };
    assert.equal(sql(compileData(list, 'mysql')({}, page)).sql, 'SELECT * FROM `t` ORDER BY `id` ASC LIMIT ? OFFSET ?');
    const ms = sql(compileData(list, 'mssql')({}, page));
    assert.equal(ms.sql, 'SELECT * FROM [t] ORDER BY [id] ASC OFFSET @p1 ROWS FETCH NEXT @p2 ROWS ONLY');
    assert.deepEqual(ms.params, [20, 10]);
    const unordered = sql(compileData(spec({ form: 'table', table: 't' }), 'mssql')({}, { limit: 5 }));
    assert.equal(unordered.sql, 'SELECT * FROM [t] ORDER BY (SELECT NULL) OFFSET 0 ROWS FETCH NEXT @p1 ROWS ONLY');
    const ora = sql(compileData(list, 'oracle')({}, page));
    assert.equal(ora.sql, 'SELECT * FROM "t" ORDER BY "id" ASC OFFSET :1 ROWS FETCH NEXT :2 ROWS ONLY');
    assert.deepEqual(ora.params, [20, 10]);
  });

  test('a bad page is refused', () => {
    const c = compileData(list, 'postgres');
    assert.throws(() => c({}, { limit: -1 }), /limit/);
    assert.throws(() => c({}, { offset: 1.5 }), /offset/);
  });

  test('SQL form: paging is appended, or wraps a statement that pages itself', () => {
    const own = compileData(spec({ form: 'sql', sql: 'SELECT a FROM t ORDER BY a' }), 'mysql');
    assert.equal(sql(own({}, { limit: 2, offset: 4 })).sql, 'SELECT a FROM t ORDER BY a\nLIMIT ? OFFSET ?');
    assert.equal(sql(own({})).sql, 'SELECT a FROM t ORDER BY a');
    const limited = compileData(spec({ form: 'sql', sql: 'SELECT a FROM t LIMIT 50; -- end' }), 'postgres');
    assert.deepEqual(sql(limited({}, { limit: 2 })), {
      type: 'sql', sql: 'SELECT * FROM (\nSELECT a FROM t LIMIT 50\n) mantra_page LIMIT $1', params: [2], write: false,
    });
    const ms = compileData(spec({ form: 'sql', sql: 'SELECT TOP 5 a FROM t' }), 'mssql');
    assert.equal(
      sql(ms({}, { limit: 2 })).sql,
      'SELECT * FROM (\nSELECT TOP 5 a FROM t\n) mantra_page ORDER BY (SELECT NULL) OFFSET 0 ROWS FETCH NEXT @p1 ROWS ONLY',
    );
  });
});

describe('writes', () => {
  const base = { form: 'table', table: 'warga', write: true };

  test('refused unless the operation allows writes', () => {
    assert.throws(() => compileData(spec({ ...base, write: false, action: 'insert', columns: ['a'] }), 'postgres'), /allow writes/);
  });

  test('insert, update, delete', () => {
    const ins = compileData(spec({ ...base, action: 'insert', columns: ['nik', 'nama'] }), 'postgres');
    assert.equal(ins.write, true);
    assert.deepEqual(ins({ nik: '1', nama: 'A' }), {
      type: 'sql', sql: 'INSERT INTO "warga" ("nik", "nama") VALUES ($1, $2)', params: ['1', 'A'], write: true,
    });
    const upd = compileData(spec({ ...base, action: 'update', columns: ['nama'], conditions: [{ column: 'nik', param: 'nik' }] }), 'mysql');
    assert.deepEqual(upd({ nik: '1', nama: 'B' }), {
      type: 'sql', sql: 'UPDATE `warga` SET `nama` = ? WHERE `nik` = ?', params: ['B', '1'], write: true,
    });
    const del = compileData(spec({ ...base, action: 'delete', conditions: [{ column: 'nik', param: 'nik' }] }), 'mssql');
    assert.deepEqual(del({ nik: '1' }), { type: 'sql', sql: 'DELETE FROM [warga] WHERE [nik] = @p1', params: ['1'], write: true });
  });

  test('update and delete without a condition are refused', () => {
    assert.throws(() => compileData(spec({ ...base, action: 'delete' }), 'postgres'), /condition/);
    assert.throws(() => compileData(spec({ ...base, action: 'update', columns: ['a'] }), 'postgres'), /condition/);
  });

  test('upsert per dialect', () => {
    const up = spec({ ...base, action: 'upsert', columns: ['nik', 'nama'], keys: ['nik'] });
    const text = (kind: Parameters<typeof compileData>[1]) => sql(compileData(up, kind)({ nik: '1', nama: 'A' })).sql;
    assert.equal(text('postgres'), 'INSERT INTO "warga" ("nik", "nama") VALUES ($1, $2) ON CONFLICT ("nik") DO UPDATE SET "nama" = excluded."nama"');
    assert.equal(text('sqlite'), 'INSERT INTO "warga" ("nik", "nama") VALUES (?, ?) ON CONFLICT ("nik") DO UPDATE SET "nama" = excluded."nama"');
    assert.equal(text('mysql'), 'INSERT INTO `warga` (`nik`, `nama`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `nama` = VALUES(`nama`)');
    assert.equal(
      text('mssql'),
      'MERGE INTO [warga] AS tgt USING (SELECT @p1 AS [nik], @p2 AS [nama]) AS src ON (tgt.[nik] = src.[nik]) ' +
        'WHEN MATCHED THEN UPDATE SET tgt.[nama] = src.[nama] WHEN NOT MATCHED THEN INSERT ([nik], [nama]) VALUES (src.[nik], src.[nama]);',
    );
    assert.equal(
      text('oracle'),
      'MERGE INTO "warga" tgt USING (SELECT :1 AS "nik", :2 AS "nama" FROM dual) src ON (tgt."nik" = src."nik") ' +
        'WHEN MATCHED THEN UPDATE SET tgt."nama" = src."nama" WHEN NOT MATCHED THEN INSERT ("nik", "nama") VALUES (src."nik", src."nama")',
    );
  });

  test('upsert needs keys among its columns', () => {
    assert.throws(() => compileData(spec({ ...base, action: 'upsert', columns: ['a'] }), 'postgres'), /keys/);
    assert.throws(() => compileData(spec({ ...base, action: 'upsert', columns: ['a'], keys: ['b'] }), 'postgres'), /key "b"/);
  });
});

describe('identifiers and kinds', () => {
  test('identifiers that bypassed the schema are still refused', () => {
    const bad = { form: 'table', connector: 'db', table: 't"; DROP TABLE x; --', columns: [], conditions: [], order: [], keys: [], action: 'select', write: false, timeoutMs: 1000, rowCap: 10, truncate: false } as const;
    assert.throws(() => compileData(bad as never, 'postgres'), /invalid identifier/);
    assert.throws(() => compileData({ ...bad, table: 't', columns: ['a b'] } as never, 'mysql'), /invalid identifier/);
  });

  test('dbf gets a scan plan; writes and SQL are refused there', () => {
    const c = compileData(spec({ form: 'table', table: 'pelanggan', columns: ['nama'], conditions: [{ column: 'kota', param: 'kota' }], limit: 10 }), 'dbf');
    assert.deepEqual(c({ kota: 'Bandung' }, { offset: 2 }), {
      type: 'scan', table: 'pelanggan', columns: ['nama'], where: [{ column: 'kota', op: '=', join: 'AND', value: 'Bandung' }],
      order: [], limit: 10, offset: 2,
    });
    assert.throws(() => compileData(spec({ form: 'sql', sql: 'SELECT 1' }), 'dbf'), /table form/);
    assert.throws(() => compileData(spec({ form: 'table', table: 't', action: 'delete', write: true, conditions: [{ column: 'a', value: 1 }] }), 'dbf'), /read-only/);
  });
});
