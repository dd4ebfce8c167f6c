import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createPool, type ConnectorPool } from '../../../connectors/pool.ts';
import { compileData } from '../../../connectors/sql/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import { job, poolSizes, ref, run } from '../support.ts';

const spec = (s: Record<string, unknown>) => DataSpec.parse({ connector: 'db', ...s });

describe('sqlite connector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mantra-sqlite-'));
  const path = join(dir, 'data.db');
  const connector = ref('test/sqlite', 1, { kind: 'sqlite', path });

  before(() => {
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE penduduk (nik TEXT PRIMARY KEY, nama TEXT, tgl_lahir TEXT, saldo REAL, besar INTEGER, aktif INTEGER, foto BLOB, kode INTEGER);
      CREATE VIEW aktif AS SELECT * FROM penduduk WHERE aktif = 1;`);
    const ins = db.prepare('INSERT INTO penduduk VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (let g = 1; g <= 30; g++) {
      ins.run(String(g).padStart(16, '0'), g === 1 ? 'Müller Ñoño 日本' : `Penduduk ${g}`, `1990-01-${String((g % 28) + 1).padStart(2, '0')}`,
        g * 1.5, 9007199254740993n + BigInt(g), g % 2, g === 1 ? new TextEncoder().encode('gambar') : null, g);
    }
    db.close();
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const byNik = compileData(spec({ form: 'table', table: 'penduduk', columns: ['nik', 'nama', 'kode'], conditions: [{ column: 'nik', param: 'nik' }] }), 'sqlite');
  const list = compileData(spec({ form: 'table', table: 'penduduk', columns: ['kode'], order: [{ column: 'kode', dir: 'DESC' }], limit: 10 }), 'sqlite');
  const sql = (text: string, write = false) => compileData(spec({ form: 'sql', sql: text, write }), 'sqlite');

  for (const size of poolSizes) {
    describe(`through a pool of size ${size}`, () => {
      let pool: ConnectorPool;
      before(() => void (pool = createPool({ size })));
      after(() => pool.close());

      test('by-key select, injection string bound', async () => {
        assert.deepEqual((await run(pool, job(connector, byNik({ nik: '0000000000000002' })))).rows, [{ nik: '0000000000000002', nama: 'Penduduk 2', kode: 2 }]);
        assert.deepEqual((await run(pool, job(connector, byNik({ nik: "' OR 1=1 --" })))).events, [{ type: 'end', rowCount: 0, truncated: false }]);
      });

      test('list with limit and offset', async () => {
        assert.deepEqual((await run(pool, job(connector, list({}, { limit: 3, offset: 2 })))).rows.map((r) => r.kode), [28, 27, 26]);
        assert.equal((await run(pool, job(connector, list({}, { limit: 99 })))).rows.length, 10);
      });

      test('types: big integers as text, blobs as text, NULL, non-ASCII', async () => {
        const r = await run(pool, job(connector, sql('SELECT nama, tgl_lahir, saldo, besar, aktif, foto, kode FROM penduduk WHERE kode IN (:a, :b) ORDER BY kode')({ a: 1, b: 2 })));
        assert.deepEqual(r.rows, [
          { nama: 'Müller Ñoño 日本', tgl_lahir: '1990-01-02', saldo: 1.5, besar: '9007199254740994', aktif: 1, foto: 'gambar', kode: 1 },
          { nama: 'Penduduk 2', tgl_lahir: '1990-01-03', saldo: 3, besar: '9007199254740995', aktif: 0, foto: null, kode: 2 },
        ]);
      });

      test('writes report affected rows; booleans bind as 1/0', async () => {
        const w = `tulis_${size}`;
        const db = new DatabaseSync(path);
        db.exec(`CREATE TABLE ${w} (k INTEGER PRIMARY KEY, v TEXT, b INTEGER)`);
        db.close();
        const write = (s: Record<string, unknown>) => compileData(spec({ form: 'table', table: w, write: true, ...s }), 'sqlite');
        const ins = write({ action: 'insert', columns: ['k', 'v', 'b'] });
        for (const k of [1, 2, 3]) assert.equal((await run(pool, job(connector, ins({ k, v: `v${k}`, b: k > 1 })))).end?.affectedRows, 1);
        const upd = write({ action: 'update', columns: ['v'], conditions: [{ column: 'b', param: 'b' }] });
        assert.equal((await run(pool, job(connector, upd({ b: true, v: 'x' })))).end?.affectedRows, 2);
        const up = write({ action: 'upsert', columns: ['k', 'v'], keys: ['k'] });
        assert.equal((await run(pool, job(connector, up({ k: 3, v: 'y' })))).end?.affectedRows, 1);
        const del = write({ action: 'delete', conditions: [{ column: 'k', op: '<', param: 'k' }] });
        assert.equal((await run(pool, job(connector, del({ k: 3 })))).end?.affectedRows, 2);
        const left = await run(pool, job(connector, sql(`SELECT k, v, b FROM ${w}`)({})));
        assert.deepEqual(left.rows, [{ k: 3, v: 'y', b: 1 }]);
      });

      test('a slow statement times out between rows', async () => {
        const slow = sql('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT x FROM c WHERE x % 100000 = 0')({});
        const started = Date.now();
        const r = await run(pool, job(connector, slow, { timeoutMs: 300 }));
        assert.equal(r.error?.kind, 'timeout');
        assert.ok(Date.now() - started < 3000, 'the statement was not stopped');
        assert.equal((await run(pool, job(connector, byNik({ nik: '0000000000000003' })))).rows.length, 1);
      });

      test('row cap and truncation', async () => {
        const q = sql('SELECT kode FROM penduduk ORDER BY kode')({});
        assert.equal((await run(pool, job(connector, q, { rowCap: 10 }))).error?.kind, 'rowcap');
        const cut = await run(pool, job(connector, q, { rowCap: 10, truncate: true }));
        assert.deepEqual(cut.end, { type: 'end', rowCount: 10, truncated: true });
        assert.equal(cut.rows.length, 10);
      });

      test('a consumer that stops early ends the read', async () => {
        const q = sql('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT x FROM c')({});
        const started = Date.now();
        let seen = 0;
        for await (const ev of pool.run(job(connector, q, { rowCap: 100_000_000 }))) {
          if (ev.type === 'rows') seen += ev.rows.length;
          if (seen >= 1000) break;
        }
        // The same connector keeps answering at once: the long read is not hogging it.
        assert.equal((await run(pool, job(connector, byNik({ nik: '0000000000000004' })))).rows.length, 1);
        assert.ok(Date.now() - started < 5000);
      });

      test('a missing file is "unavailable" without its path; a good config version recovers', async () => {
        const bad = ref(`test/sqlite-moving-${size}`, 1, { kind: 'sqlite', path: join(dir, 'missing.db') });
        const r = await run(pool, job(bad, byNik({ nik: '0000000000000001' })));
        assert.equal(r.error?.kind, 'unavailable');
        assert.ok(!r.error!.message.includes(dir));
        const good = ref(`test/sqlite-moving-${size}`, 2, { kind: 'sqlite', path });
        assert.equal((await run(pool, job(good, byNik({ nik: '0000000000000001' })))).rows.length, 1);
      });

      test('admin calls: tables and columns', async () => {
        await pool.test(connector);
        const tables = await pool.tables(connector);
        assert.deepEqual(tables.filter((t) => ['penduduk', 'aktif'].includes(t.name)), [
          { name: 'aktif', type: 'view' },
          { name: 'penduduk', type: 'table' },
        ]);
        assert.deepEqual((await pool.columns(connector, 'penduduk')).slice(0, 2), [
          { name: 'nik', type: 'TEXT', nullable: true },
          { name: 'nama', type: 'TEXT', nullable: true },
        ]);
      });
    });
  }
});
