/**
 * The mssql connector end to end: the real tedious client and the connector's own code against the TDS test
 * server (no SQL Server runs here), through a worker thread and inline.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPool, type ConnectorPool } from '../../../connectors/pool.ts';
import { compileData } from '../../../connectors/sql/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import { eventually, job, poolSizes, ref, run } from '../support.ts';
import { columns, first, rows } from './penduduk.ts';
import { type Query, type Reply, startTdsServer, type TdsServer } from './tds-server.ts';

const spec = (s: Record<string, unknown>) => DataSpec.parse({ connector: 'db', ...s });
const byNik = compileData(spec({ form: 'table', table: 'dbo.penduduk', columns: ['nik', 'nama', 'kode'], conditions: [{ column: 'nik', param: 'nik' }] }), 'mssql');
const list = compileData(spec({ form: 'table', table: 'penduduk', columns: ['kode'], order: [{ column: 'kode' }], limit: 10 }), 'mssql');
const sql = (text: string, write = false) => compileData(spec({ form: 'sql', sql: text, write }), 'mssql');

/** Answers by what the statement asks for; `hang`, `slow`, `fail`, `geometry` and `UPDATE` pick the other replies. */
function answer(q: Query): Reply {
  const s = q.sql;
  if (/hang/.test(s)) return { hang: true };
  if (/slow/.test(s)) return { columns, rows: Array.from({ length: 100_000 }, (_, i) => rows[i % 30]), rowDelayMs: 50, delayEvery: 1000 };
  if (/nowhere/.test(s)) return { error: { number: 208, message: "Invalid object name 'nowhere'." } };
  if (/geometry/.test(s)) return { columns: [{ name: 'shape', type: 'udt' }], rows: [] };
  if (/^UPDATE/.test(s)) return { rowCount: 3 };
  if (/big/.test(s)) return { columns, rows: Array.from({ length: 25_000 }, (_, i) => rows[i % 30]) };
  if (/INFORMATION_SCHEMA.TABLES/.test(s)) {
    return { columns: [{ name: 'name', type: 'nvarchar' }, { name: 'type', type: 'nvarchar' }], rows: [['penduduk', 'BASE TABLE'], ['v_aktif', 'VIEW'], ['arsip.surat', 'BASE TABLE']] };
  }
  if (/INFORMATION_SCHEMA.COLUMNS/.test(s)) {
    const known = q.params[1]?.value === 'penduduk';
    return {
      columns: [{ name: 'name', type: 'nvarchar' }, { name: 'type', type: 'nvarchar' }, { name: 'nullable', type: 'bit' }],
      rows: known ? [['nik', 'nvarchar(16)', false], ['saldo', 'decimal(14,2)', true]] : [],
    };
  }
  if (q.params.some((p) => p.name === '@p1' && p.value === '0000000000000002')) {
    return { columns: columns.slice(0, 3), rows: [rows[1].slice(0, 3)] };
  }
  if (q.params.length && /WHERE \[nik\]/.test(s)) return { columns: columns.slice(0, 3), rows: [] };
  return { columns, rows };
}

describe('mssql connector against the TDS test server', () => {
  let server: TdsServer;
  before(async () => void (server = await startTdsServer({ logins: { mantra: 'rahasia-ms' }, databases: ['kependudukan'], answer })));
  after(() => server.close());
  const connector = () => ref('test/ms', 1, { kind: 'mssql', host: '127.0.0.1', port: server.port, user: 'mantra', password: 'rahasia-ms', database: 'kependudukan' });
  const last = () => server.queries[server.queries.length - 1];

  for (const size of poolSizes) {
    describe(`through a pool of size ${size}`, () => {
      let pool: ConnectorPool;
      before(() => void (pool = createPool({ size })));
      after(() => pool.close());

      test('logs in with the connector settings and selects by key with a bound NVarChar', async () => {
        const r = await run(pool, job(connector(), byNik({ nik: '0000000000000002' })));
        assert.deepEqual(r.rows, [{ nik: '0000000000000002', nama: 'Penduduk 2', kode: 2 }]);
        assert.deepEqual(r.end, { type: 'end', rowCount: 1, truncated: false });
        const q = last();
        assert.equal(q.kind, 'rpc');
        assert.equal(q.sql, 'SELECT [nik], [nama], [kode] FROM [dbo].[penduduk] WHERE [nik] = @p1');
        assert.deepEqual(q.params, [{ name: '@p1', type: 'NVarChar', value: '0000000000000002' }]);
        assert.deepEqual(server.logins.at(-1), { user: 'mantra', password: 'rahasia-ms', database: 'kependudukan', appName: 'mantra' });
      });

      test('an injection string is bound and matches nothing', async () => {
        const r = await run(pool, job(connector(), byNik({ nik: "' OR 1=1 --" })));
        assert.deepEqual(r.events, [{ type: 'end', rowCount: 0, truncated: false }]);
        assert.equal(last().params[0].value, "' OR 1=1 --");
      });

      test('parameters are typed: NVarChar, Int, BigInt, Decimal, Bit, and NULL', async () => {
        const q = sql('SELECT * FROM penduduk WHERE nama = :s AND kode = :i AND besar = :b AND saldo = :d AND aktif = :f AND catatan = :n AND nama <> :s');
        await run(pool, job(connector(), q({ s: 'Müller', i: -7, b: 9_007_199_254_740_991, d: -1234.05, f: true, n: null })));
        const got = last();
        assert.equal(got.sql, 'SELECT * FROM penduduk WHERE nama = @p1 AND kode = @p2 AND besar = @p3 AND saldo = @p4 AND aktif = @p5 AND catatan = @p6 AND nama <> @p1');
        assert.equal(got.declared, '@p1 nvarchar(6), @p2 int, @p3 bigint, @p4 decimal(38, 2), @p5 bit, @p6 nvarchar(1)');
        assert.deepEqual(got.params.map((p) => [p.type, p.length ?? p.scale ?? null, p.value]), [
          ['NVarChar', null, 'Müller'], ['IntN', 4, -7], ['IntN', 8, '9007199254740991'], ['DecimalN', 2, '-1234.05'], ['BitN', null, true], ['NVarChar', null, null],
        ]);
      });

      test('column types come back as the other connectors give them: NVarChar, Int, BigInt, Decimal, Date, DateTime2, Bit', async () => {
        const r = await run(pool, job(connector(), sql('SELECT * FROM penduduk')({})));
        assert.equal(r.rows.length, 30);
        assert.deepEqual(r.rows[0], first);
        assert.equal(r.rows[1].aktif, true);
        assert.equal(last().kind, 'batch', 'a statement without parameters goes as a plain SQL batch');
      });

      test('paging: OFFSET … FETCH with the values bound, ORDER BY (SELECT NULL) when unordered, a TOP statement wrapped', async () => {
        await run(pool, job(connector(), list({}, { limit: 3, offset: 4 })));
        assert.equal(last().sql, 'SELECT [kode] FROM [penduduk] ORDER BY [kode] ASC OFFSET @p1 ROWS FETCH NEXT @p2 ROWS ONLY');
        assert.deepEqual(last().params.map((p) => p.value), [4, 3]);
        await run(pool, job(connector(), sql('SELECT TOP 5 kode FROM penduduk ORDER BY kode')({}, { limit: 2 })));
        assert.equal(last().sql, 'SELECT * FROM (\nSELECT TOP 5 kode FROM penduduk ORDER BY kode\n) mantra_page ORDER BY (SELECT NULL) OFFSET 0 ROWS FETCH NEXT @p1 ROWS ONLY');
      });

      test('an ERROR token is a query error with SQL Server\'s number and tedious\'s code, no SQL', async () => {
        const r = await run(pool, job(connector(), sql('SELECT * FROM nowhere')({})));
        assert.equal(r.error?.kind, 'query');
        assert.match(r.error!.message, /SQL Server error 208/);
        assert.equal(r.error!.code, 'EREQUEST');
        assert.doesNotMatch(r.error!.message, /nowhere|SELECT/);
      });

      test('a type the mapping does not know (a CLR geometry) is a clear query error', async () => {
        const r = await run(pool, job(connector(), sql('SELECT shape FROM geometry_table')({})));
        assert.equal(r.error?.kind, 'query');
        assert.match(r.error!.message, /column type UDT of "shape" is not supported/);
      });

      test('writes report the affected row count', async () => {
        const upd = compileData(spec({ form: 'table', table: 'penduduk', action: 'update', write: true, columns: ['nama'], conditions: [{ column: 'kode', op: '>=', param: 'kode' }] }), 'mssql');
        const r = await run(pool, job(connector(), upd({ nama: 'x', kode: 2 })));
        assert.deepEqual(r.end, { type: 'end', rowCount: 0, truncated: false, affectedRows: 3 });
        assert.equal(last().sql, 'UPDATE [penduduk] SET [nama] = @p1 WHERE [kode] >= @p2');
      });

      test('a statement past its time is stopped with a TDS attention; the connection serves the next job', async () => {
        const attentions = server.attentions;
        const opened = server.connections;
        const started = Date.now();
        const r = await run(pool, job(connector(), sql('SELECT * FROM hang')({}), { timeoutMs: 300 }));
        assert.equal(r.error?.kind, 'timeout');
        assert.ok(Date.now() - started < 2000);
        assert.ok(await eventually(async () => server.attentions === attentions + 1));
        // The connection returns to the pool once tedious has read the acknowledgement.
        await new Promise((r) => setTimeout(r, 200));
        assert.equal((await run(pool, job(connector(), byNik({ nik: '0000000000000002' })))).rows.length, 1);
        assert.equal(server.connections, opened, 'no new connection was needed');
      });

      test('a consumer that leaves mid-stream cancels the statement with an attention', async () => {
        const attentions = server.attentions;
        let seen = 0;
        for await (const ev of pool.run(job(connector(), sql('SELECT * FROM slow')({}), { rowCap: 1_000_000 }))) {
          if (ev.type === 'rows') seen += ev.rows.length;
          if (seen > 0) break;
        }
        assert.ok(await eventually(async () => server.attentions === attentions + 1));
        assert.equal((await run(pool, job(connector(), byNik({ nik: '0000000000000002' })))).rows.length, 1);
      });

      test('row cap: an error without truncate, the first rows with it; the rest is cancelled', async () => {
        const q = sql('SELECT * FROM penduduk ORDER BY kode')({});
        assert.equal((await run(pool, job(connector(), q, { rowCap: 10 }))).error?.kind, 'rowcap');
        const cut = await run(pool, job(connector(), q, { rowCap: 10, truncate: true }));
        assert.deepEqual(cut.rows.map((r) => r.kode), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert.deepEqual(cut.end, { type: 'end', rowCount: 10, truncated: true });
        assert.equal((await run(pool, job(connector(), byNik({ nik: '0000000000000002' })))).rows.length, 1);
      });

      test('a large result streams in batches, encoded as it comes', async () => {
        const r = await run(pool, job(connector(), sql('SELECT * FROM big')({}), {
          rowCap: 100_000,
          output: { mode: 'encode', format: 'ndjson', envelope: 'v1', name: 'penduduk' } as never,
        }));
        assert.equal(r.error, undefined);
        assert.equal(r.end?.rowCount, 25_000);
        assert.equal(r.text.trimEnd().split('\n').length, 25_000);
        assert.ok(r.events.filter((e) => e.type === 'chunk').length > 1, 'more than one chunk');
      });

      test('introspection: tables (schema-qualified outside dbo) and columns with their types', async () => {
        assert.deepEqual(await pool.tables(connector()), [
          { name: 'penduduk', type: 'table' }, { name: 'v_aktif', type: 'view' }, { name: 'arsip.surat', type: 'table' },
        ]);
        assert.deepEqual(await pool.columns(connector(), 'penduduk'), [
          { name: 'nik', type: 'nvarchar(16)', nullable: false }, { name: 'saldo', type: 'decimal(14,2)', nullable: true },
        ]);
        assert.deepEqual(last().params.map((p) => p.value), [null, 'penduduk']);
        await assert.rejects(pool.columns(connector(), 'arsip.nothing'), /unknown table/);
        assert.deepEqual(last().params.map((p) => p.value), ['arsip', 'nothing']);
        await pool.test(connector());
      });
    });
  }
});
