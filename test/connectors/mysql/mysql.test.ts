import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { createPool, type ConnectorPool } from '../../../connectors/pool.ts';
import { compileData } from '../../../connectors/sql/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import { mysqlUrl, needService } from '../../support/services.ts';
import { eventually, job, poolSizes, ref, run, unique, urlConfig } from '../support.ts';

const skip = await needService('mysql', mysqlUrl);
const prefix = unique('mantra_my');
const spec = (s: Record<string, unknown>) => DataSpec.parse({ connector: 'db', ...s });
const cfg = urlConfig(mysqlUrl);

describe('mysql connector (MariaDB)', { skip }, () => {
  let admin: mysql.Pool;
  const connector = ref(`${prefix}/my`, 1, { kind: 'mysql', ...cfg });
  const t = `${prefix}_penduduk`;
  const running = async (marker: string) =>
    ((await admin.query(`SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()`, [`%${marker}%`]))[0] as unknown[]).length;

  before(async () => {
    admin = mysql.createPool({ uri: mysqlUrl, connectionLimit: 2 });
    await admin.query(`CREATE TABLE ${t} (nik varchar(16) PRIMARY KEY, nama text, tgl_lahir date, terdaftar datetime(6),
      saldo decimal(14,2), besar bigint, aktif tinyint(1), bendera bit(1), catatan text, kode int) CHARSET utf8mb4`);
    const rows = Array.from({ length: 30 }, (_, i) => {
      const g = i + 1;
      return [String(g).padStart(16, '0'), `Penduduk ${g}`, `1990-01-${String((g % 28) + 1).padStart(2, '0')}`,
        `2024-01-31 10:20:${String(g).padStart(2, '0')}.123456`, (g * 1.5).toFixed(2), `${9007199254740993n + BigInt(g)}`,
        g % 2 === 0 ? 1 : 0, g % 2 === 0 ? 1 : 0, null, g];
    });
    await admin.query(`INSERT INTO ${t} VALUES ?`, [rows]);
    await admin.query(`UPDATE ${t} SET nama = 'Müller Ñoño 日本', catatan = 'baris 1' WHERE kode = 1`);
  });

  after(async () => {
    await admin?.query(`DROP TABLE IF EXISTS ${t}, ${prefix}_tulis_1, ${prefix}_tulis_0`);
    await admin?.end();
  });

  const byNik = compileData(spec({ form: 'table', table: t, columns: ['nik', 'nama', 'kode'], conditions: [{ column: 'nik', param: 'nik' }] }), 'mysql');
  const list = compileData(spec({ form: 'table', table: t, columns: ['kode'], order: [{ column: 'kode' }], limit: 10 }), 'mysql');
  const sql = (text: string, write = false) => compileData(spec({ form: 'sql', sql: text, write }), 'mysql');

  for (const size of poolSizes) {
    describe(`through a pool of size ${size}`, () => {
      let pool: ConnectorPool;
      before(() => void (pool = createPool({ size })));
      after(() => pool.close());

      test('by-key select', async () => {
        const r = await run(pool, job(connector, byNik({ nik: '0000000000000002' })));
        assert.deepEqual(r.rows, [{ nik: '0000000000000002', nama: 'Penduduk 2', kode: 2 }]);
        assert.deepEqual(r.end, { type: 'end', rowCount: 1, truncated: false });
      });

      test('an injection string is bound and matches nothing', async () => {
        const r = await run(pool, job(connector, byNik({ nik: "' OR 1=1 --" })));
        assert.deepEqual(r.events, [{ type: 'end', rowCount: 0, truncated: false }]);
      });

      test('list with limit and offset', async () => {
        assert.deepEqual((await run(pool, job(connector, list({})))).rows.map((r) => r.kode), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert.deepEqual((await run(pool, job(connector, list({}, { limit: 3, offset: 4 })))).rows.map((r) => r.kode), [5, 6, 7]);
        // SQL form: the statement's own ORDER BY holds for a page (MariaDB would drop it inside a subquery).
        const desc = sql(`SELECT kode FROM ${t} ORDER BY kode DESC`);
        assert.deepEqual((await run(pool, job(connector, desc({}, { limit: 2, offset: 1 })))).rows.map((r) => r.kode), [29, 28]);
      });

      test('types come back as MySQL prints them', async () => {
        const q = sql(`SELECT nama, tgl_lahir, terdaftar, saldo, besar, aktif, bendera, catatan, kode FROM ${t} WHERE kode = :kode`);
        assert.deepEqual((await run(pool, job(connector, q({ kode: 1 })))).rows, [{
          nama: 'Müller Ñoño 日本', tgl_lahir: '1990-01-02', terdaftar: '2024-01-31 10:20:01.123456', saldo: '1.50',
          besar: '9007199254740994', aktif: 0, bendera: 0, catatan: 'baris 1', kode: 1,
        }]);
        const two = (await run(pool, job(connector, q({ kode: 2 })))).rows[0];
        assert.equal(two.bendera, 1);
        assert.equal(two.catatan, null);
      });

      test('writes report affected rows', async () => {
        const w = `${prefix}_tulis_${size}`;
        await admin.query(`CREATE TABLE ${w} (k int PRIMARY KEY, v text)`);
        const write = (s: Record<string, unknown>) => compileData(spec({ form: 'table', table: w, write: true, ...s }), 'mysql');
        const ins = write({ action: 'insert', columns: ['k', 'v'] });
        for (const k of [1, 2, 3]) assert.equal((await run(pool, job(connector, ins({ k, v: `v${k}` })))).end?.affectedRows, 1);
        const upd = write({ action: 'update', columns: ['v'], conditions: [{ column: 'k', op: '>=', param: 'k' }] });
        assert.deepEqual((await run(pool, job(connector, upd({ k: 2, v: 'x' })))).end, { type: 'end', rowCount: 0, truncated: false, affectedRows: 2 });
        const up = write({ action: 'upsert', columns: ['k', 'v'], keys: ['k'] });
        assert.equal((await run(pool, job(connector, up({ k: 4, v: 'z' })))).end?.affectedRows, 1);
        assert.equal((await run(pool, job(connector, up({ k: 3, v: 'y' })))).end?.affectedRows, 2, 'MySQL counts an upsert update as 2');
        const del = write({ action: 'delete', conditions: [{ column: 'k', op: '<', param: 'k' }] });
        assert.equal((await run(pool, job(connector, del({ k: 3 })))).end?.affectedRows, 2);
        const [left] = await admin.query(`SELECT k, v FROM ${w} ORDER BY k`);
        assert.deepEqual(left, [{ k: 3, v: 'y' }, { k: 4, v: 'z' }]);
      });

      test('a slow statement times out and is really killed on the server (read and write)', async () => {
        const cases = [
          { text: (m: string) => `SELECT SLEEP(5) AS s, '${m}' AS m` },
          { text: (m: string) => `UPDATE ${t} SET catatan = '${m}' WHERE kode = 1 AND SLEEP(5) = 0`, write: true },
        ];
        for (const c of cases) {
          const marker = unique('slow');
          const started = Date.now();
          const r = await run(pool, job(connector, sql(c.text(marker), c.write)({}), { timeoutMs: 300 }));
          assert.equal(r.error?.kind, 'timeout');
          assert.ok(Date.now() - started < 3000);
          assert.ok(await eventually(async () => (await running(marker)) === 0), 'the statement still runs on the server');
        }
        assert.equal((await run(pool, job(connector, byNik({ nik: '0000000000000003' })))).rows.length, 1);
      });

      test('row cap: an error without truncate, the first rows with it', async () => {
        const q = sql(`SELECT kode FROM ${t} ORDER BY kode`)({});
        assert.equal((await run(pool, job(connector, q, { rowCap: 10 }))).error?.kind, 'rowcap');
        const cut = await run(pool, job(connector, q, { rowCap: 10, truncate: true }));
        assert.deepEqual(cut.rows.map((r) => r.kode), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert.deepEqual(cut.end, { type: 'end', rowCount: 10, truncated: true });
        assert.deepEqual((await run(pool, job(connector, q, { rowCap: 30 }))).end, { type: 'end', rowCount: 30, truncated: false });
        assert.equal((await run(pool, job(connector, byNik({ nik: '0000000000000005' })))).rows.length, 1);
      });

      test('a consumer that stops early cancels the query', async () => {
        const marker = unique('early');
        // A long stream: every row of a 30-row table joined with itself four times (810 000 rows).
        const q = sql(`SELECT a.kode, '${marker}' AS m FROM ${t} a, ${t} b, ${t} c, ${t} d`)({});
        let seen = 0;
        for await (const ev of pool.run(job(connector, q, { rowCap: 10_000_000 }))) {
          if (ev.type === 'rows') seen += ev.rows.length;
          if (seen > 0) break;
        }
        assert.ok(seen > 0);
        assert.ok(await eventually(async () => (await running(marker)) === 0), 'the statement still runs on the server');
        assert.equal((await run(pool, job(connector, byNik({ nik: '0000000000000004' })))).rows.length, 1);
      });

      test('an unreachable server is "unavailable" without details; a good config version recovers', async () => {
        const id = `${prefix}/moving-${size}`;
        const bad = ref(id, 1, { kind: 'mysql', ...cfg, port: 1, password: 'sekret-pw' });
        const r = await run(pool, job(bad, byNik({ nik: '0000000000000001' })));
        assert.equal(r.error?.kind, 'unavailable');
        for (const secret of [cfg.host!, ':1', 'sekret', String(cfg.user), 'SELECT']) {
          assert.ok(!r.error!.message.includes(secret), `"${secret}" leaked into: ${r.error!.message}`);
        }
        const good = ref(id, 2, { kind: 'mysql', ...cfg });
        assert.equal((await run(pool, job(good, byNik({ nik: '0000000000000001' })))).rows.length, 1);
      });

      test('a wrong password is "unavailable" and names no user', async () => {
        const r = await run(pool, job(ref(`${prefix}/pw-${size}`, 1, { kind: 'mysql', ...cfg, user: 'nobody_here', password: 'x' }), byNik({ nik: '1' })));
        assert.equal(r.error?.kind, 'unavailable');
        assert.ok(!r.error!.message.includes('nobody_here'));
      });

      test('connections the server dropped (as in a restart) are replaced on the next job', async () => {
        const ids = new Set<number>();
        const who = sql('SELECT CONNECTION_ID() AS id')({});
        const results = await Promise.all([1, 2, 3].map(() => run(pool, job(connector, who))));
        for (const r of results) ids.add(Number(r.rows[0].id));
        for (const id of ids) await admin.query(`KILL CONNECTION ${id}`);
        for (let i = 0; i < 3; i++) {
          assert.equal((await run(pool, job(connector, byNik({ nik: '0000000000000005' })))).rows.length, 1, `job ${i}`);
        }
      });

      test('query errors are classified without SQL text', async () => {
        const r = await run(pool, job(connector, sql(`SELECT no_such_column FROM ${t}`)({})));
        assert.equal(r.error?.kind, 'query');
        assert.match(r.error!.message, /MySQL error 1054/);
        assert.ok(!r.error!.message.includes('no_such_column'));
      });

      test('admin calls: test, tables, columns', async () => {
        await pool.test(connector);
        assert.ok((await pool.tables(connector)).some((x) => x.name === t && x.type === 'table'));
        const cols = await pool.columns(connector, t);
        assert.deepEqual(cols.slice(0, 2), [
          { name: 'nik', type: 'varchar(16)', nullable: false },
          { name: 'nama', type: 'text', nullable: true },
        ]);
      });
    });
  }
});
