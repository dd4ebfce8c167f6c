/** MANTRA's `methods.sourcecode` read as the original meant it, per dbtype and wstype (compat/README.md). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseRequest,
  parseSourceJson,
  readDatabaseSource,
  readProgramSource,
  readServicesSource,
  SourceError,
} from '../../src/import-mantra/sourcecode.ts';
import { parseRewrites } from '../../src/import-mantra/rewrite.ts';

const db = (extra: Record<string, unknown>) => ({
  dbtype: 'postgres', hostname: 'db.local', port: '5432', dbuser: 'u', dbpassword: 'p', dbname: 'kependudukan',
  tbname: '"penduduk"', columns: '', conditions: '', orders: '', limrows: '', limoffset: '', ...extra,
});

describe('database sourcecode', () => {
  test("penduduk_by_nik exactly as compat/README.md defines it: nik = '' is a required caller parameter", () => {
    const src = readDatabaseSource(db({
      columns: '"nik","nama","tgl_lahir","jenis_kelamin","alamat","kode_wilayah"',
      conditions: `WHERE "nik" = ''`,
    }));
    assert.equal(src.kind, 'postgres');
    assert.equal(src.table, 'penduduk');
    assert.deepEqual(src.columns.map((c) => c.column), ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin', 'alamat', 'kode_wilayah']);
    assert.deepEqual(src.conditions, [{ column: 'nik', op: '=', param: 'nik', join: 'AND' }]);
    assert.deepEqual(src.params, ['nik']);
    assert.equal(src.limit, undefined);
    assert.deepEqual(src.warnings, []);
  });

  test('penduduk_list: no condition, limit 100', () => {
    const src = readDatabaseSource(db({ columns: '"nik", "nama"', limrows: '100' }));
    assert.deepEqual(src.conditions, []);
    assert.equal(src.limit, 100);
    assert.equal(src.offset, undefined);
  });

  test('identifier quoting per dbtype: `col` (mysql, mysqli), "col" (postgres, oci8), [col] (mssql)', () => {
    const cases: [string, string, string][] = [
      ['mysql', '`kode_wilayah`', '`penduduk`'],
      ['mysqli', '`kode_wilayah`', '`penduduk`'],
      ['postgres', '"kode_wilayah"', '"penduduk"'],
      ['mssql', '[kode_wilayah]', '[dbo].[penduduk]'],
      ['oci8', '"kode_wilayah"', '"penduduk"'],
    ];
    const kinds: Record<string, string> = { mysql: 'mysql', mysqli: 'mysql', postgres: 'postgres', mssql: 'mssql', oci8: 'oracle' };
    for (const [dbtype, col, table] of cases) {
      const src = readDatabaseSource(db({ dbtype, tbname: table, columns: col, conditions: `WHERE ${col} >= ''` }));
      assert.equal(src.kind, kinds[dbtype], dbtype);
      assert.equal(src.table, dbtype === 'mssql' ? 'dbo.penduduk' : 'penduduk', dbtype);
      assert.deepEqual(src.conditions, [{ column: 'kode_wilayah', op: '>=', param: 'kode_wilayah', join: 'AND' }], dbtype);
      assert.deepEqual(src.warnings, [], dbtype);
    }
  });

  test('unquoted names fold as the database folds them; the parameter keeps the name as written', () => {
    const pg = readDatabaseSource(db({ tbname: 'Penduduk', conditions: `WHERE NIK = ''` }));
    assert.equal(pg.table, 'penduduk');
    assert.deepEqual(pg.conditions, [{ column: 'nik', op: '=', param: 'NIK', join: 'AND' }]);
    const ora = readDatabaseSource(db({ dbtype: 'oci8', tbname: 'hr.pegawai', conditions: `WHERE nip = ''` }));
    assert.equal(ora.table, 'HR.PEGAWAI');
    assert.deepEqual(ora.conditions, [{ column: 'NIP', op: '=', param: 'nip', join: 'AND' }]);
  });

  test("@@-joined conditions: AND/OR, every operator, '' = caller, anything else fixed", () => {
    const src = readDatabaseSource(db({
      dbtype: 'mysql', tbname: '`penduduk`',
      conditions: "WHERE `kode_wilayah` = ''@@AND `jenis_kelamin` = 'L'@@OR `nama` LIKE ''@@AND `tgl_lahir` < '1990-01-01'" +
        "@@AND `kode_wilayah` <> 3201001@@AND `tgl_lahir` > ''@@AND `tgl_lahir` <= ''@@AND `nama` != 'O\\'Brien'",
    }));
    assert.deepEqual(src.conditions, [
      { column: 'kode_wilayah', op: '=', param: 'kode_wilayah', join: 'AND' },
      { column: 'jenis_kelamin', op: '=', value: 'L', join: 'AND' },
      { column: 'nama', op: 'LIKE', param: 'nama', join: 'OR' },
      { column: 'tgl_lahir', op: '<', value: '1990-01-01', join: 'AND' },
      { column: 'kode_wilayah', op: '<>', value: 3201001, join: 'AND' },
      { column: 'tgl_lahir', op: '>', param: 'tgl_lahir', join: 'AND' },
      { column: 'tgl_lahir', op: '<=', param: 'tgl_lahir', join: 'AND' },
      { column: 'nama', op: '<>', value: "O'Brien", join: 'AND' },
    ]);
    // One parameter per column, in order of first use: the caller sends tgl_lahir=... once.
    assert.deepEqual(src.params, ['kode_wilayah', 'nama', 'tgl_lahir']);
  });

  test("SQL's doubled quote inside a fixed value; a second WHERE reads as AND", () => {
    const src = readDatabaseSource(db({ conditions: `WHERE "nama" = 'D''Ancona'@@WHERE "nik" = ''` }));
    assert.deepEqual(src.conditions, [
      { column: 'nama', op: '=', value: "D'Ancona", join: 'AND' },
      { column: 'nik', op: '=', param: 'nik', join: 'AND' },
    ]);
  });

  test('orders, limrows and limoffset', () => {
    const src = readDatabaseSource(db({ orders: 'ORDER BY "nama" DESC@@"nik"', limrows: 25, limoffset: '50' }));
    assert.deepEqual(src.order, [{ column: 'nama', dir: 'DESC' }, { column: 'nik', dir: 'ASC' }]);
    assert.equal(src.limit, 25);
    assert.equal(src.offset, 50);
    const plain = readDatabaseSource(db({ orders: '"a" ASC, "b" DESC', limrows: '0' }));
    assert.deepEqual(plain.order, [{ column: 'a', dir: 'ASC' }, { column: 'b', dir: 'DESC' }]);
    assert.equal(plain.limit, undefined, 'limrows 0 = no limit');
  });

  test('column aliases are kept for renaming; * means every column', () => {
    const src = readDatabaseSource(db({ columns: '"nik" AS "no_induk", "nama"' }));
    assert.deepEqual(src.columns, [{ column: 'nik', as: 'no_induk' }, { column: 'nama' }]);
    assert.deepEqual(readDatabaseSource(db({ columns: '*' })).columns, []);
  });

  test('hostname with its port (host:port, MSSQL host,port) and a separate port field', () => {
    assert.deepEqual([readDatabaseSource(db({ hostname: 'db:6543', port: '' })).hostname, readDatabaseSource(db({ hostname: 'db:6543', port: '' })).port], ['db', 6543]);
    const ms = readDatabaseSource(db({ dbtype: 'mssql', hostname: 'sql1,1533', port: '', tbname: '[t]' }));
    assert.deepEqual([ms.hostname, ms.port], ['sql1', 1533]);
  });

  test('a name quoted in another database\'s style is read, with a warning', () => {
    const src = readDatabaseSource(db({ conditions: "WHERE `nik` = ''" }));
    assert.deepEqual(src.conditions, [{ column: 'nik', op: '=', param: 'nik', join: 'AND' }]);
    assert.match(src.warnings[0], /MySQL style/);
  });

  test('what the table form cannot say is refused with a reason', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ dbtype: 'sqlite3' }, /unknown dbtype "sqlite3"/],
      [{ dbtype: '' }, /unknown dbtype ""/],
      [{ tbname: '' }, /tbname/],
      [{ tbname: '"a b"' }, /characters Mantra does not accept/],
      [{ conditions: `WHERE ("nik" = '')` }, /parentheses/],
      [{ conditions: `WHERE "nik" IN ('')` }, /operator "IN/],
      [{ conditions: `WHERE "nik" IS NULL` }, /operator "IS NULL"/],
      [{ conditions: `WHERE "nik" = ''; DROP TABLE x` }, /only one statement/],
      [{ conditions: `WHERE "nik" = '' "nama" = ''` }, /expected AND or OR/],
      [{ conditions: `WHERE "nik" = 'abc` }, /unclosed quote/],
      [{ columns: 'count(*)' }, /expression/],
      [{ limrows: 'ten' }, /limrows "ten" is not a whole number/],
      [{ port: 'x' }, /port "x"/],
    ];
    for (const [extra, message] of bad) {
      assert.throws(() => readDatabaseSource(db(extra)), (err: Error) => err instanceof SourceError && message.test(err.message), JSON.stringify(extra));
    }
  });
});

describe('sourcecode JSON', () => {
  test('broken JSON, non-objects and double-encoded JSON', () => {
    assert.throws(() => parseSourceJson('{"dbtype": "postgres",'), /sourcecode is not valid JSON/);
    assert.throws(() => parseSourceJson(''), /sourcecode is empty/);
    assert.throws(() => parseSourceJson(null), /sourcecode is empty/);
    assert.throws(() => parseSourceJson('[1]'), /not a JSON object/);
    assert.deepEqual(parseSourceJson(JSON.stringify(JSON.stringify({ a: 1 }))), { a: 1 });
  });
});

describe('services sourcecode', () => {
  test("wstype, endpoint, method, accesskey and request: '' = caller, else fixed", () => {
    const src = readServicesSource({
      wstype: 'REST', endpoint: 'http://10.0.0.5/json/dukcapil/kependudukan', method: 'penduduk_by_nik',
      accesskey: 'abcdefghij', request: "nik:string='',tahun:int=2024,kota:string='Bandung, Jawa Barat'",
    });
    assert.equal(src.style, 'rest');
    assert.equal(src.accessKey, 'abcdefghij');
    assert.deepEqual(src.request, [
      { name: 'nik', type: 'string', caller: true },
      { name: 'tahun', type: 'int', caller: false, value: '2024' },
      { name: 'kota', type: 'string', caller: false, value: 'Bandung, Jawa Barat' },
    ]);
  });

  test('every MANTRA wstype is known; others are refused', () => {
    for (const wstype of ['rest', 'restfull', 'restfullpar', 'soap', 'get', 'post']) {
      assert.equal(readServicesSource({ wstype, endpoint: 'http://x' }).style, wstype);
    }
    assert.throws(() => readServicesSource({ wstype: 'grpc' }), /unknown wstype "grpc"/);
  });

  test('request edge cases', () => {
    assert.deepEqual(parseRequest(''), []);
    assert.deepEqual(parseRequest('nik'), [{ name: 'nik', type: 'string', caller: true }]);
    assert.throws(() => parseRequest("nik:string='',nik:string=''"), /declared twice/);
    assert.throws(() => parseRequest("bad name:string=''"), /not a usable parameter name/);
    assert.throws(() => parseRequest("a:string='x"), /unclosed quote/);
  });
});

describe('program sourcecode', () => {
  test('the PHP source is taken from the JSON, or the raw text', () => {
    assert.equal(readProgramSource(JSON.stringify({ program: '<?php echo 1;' })), '<?php echo 1;');
    assert.equal(readProgramSource('<?php echo 2;'), '<?php echo 2;');
  });
});

describe('--rewrite-host', () => {
  test('host or host:port, case-insensitive; unused rules are reported', () => {
    const r = parseRewrites(['DB.old=db.new', 'x:5432=y:6432', 'unused=z']);
    assert.deepEqual(r.apply('db.OLD', 5432), { host: 'db.new', port: 5432 });
    assert.deepEqual(r.apply('x', 5432), { host: 'y', port: 6432 });
    assert.deepEqual(r.apply('x', 5433), { host: 'x', port: 5433 });
    assert.deepEqual(r.unused(), ['unused=z']);
    assert.throws(() => parseRewrites(['nothing']), /use OLD=NEW/);
  });
});
