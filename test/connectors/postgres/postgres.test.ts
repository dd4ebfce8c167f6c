import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { createPool, type ConnectorPool } from '../../../connectors/pool.ts';
import { compileData } from '../../../connectors/sql/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import { needService, pgUrl } from '../../support/services.ts';
import { eventually, job, poolSizes, ref, run, unique, urlConfig } from '../support.ts';

const skip = await needService('postgres', pgUrl);
const schema = unique('mantra_pg');
const spec = (s: Record<string, unknown>) => DataSpec.parse({ connector: 'db', ...s });
const cfg = urlConfig(pgUrl);

describe('postgres connector', { skip }, () => {
  let admin: ReturnType<typeof postgres>;
  const connector = ref(`${schema}/pg`, 1, { kind: 'postgres', ...cfg });
  const t = `${schema}.penduduk`;

  before(async () => {
    admin = postgres(pgUrl, { max: 2, onnotice: () => {} });
    await admin.unsafe(`CREATE SCHEMA ${schema}`);
    await admin.unsafe(`CREATE TABLE ${t} (nik varchar(16) PRIMARY KEY, nama text, tgl_lahir date, terdaftar timestamp,
      saldo numeric(14,2), besar bigint, aktif boolean, catatan text, kode int)`);
    await admin.unsafe(`INSERT INTO ${t}
      SELECT lpad(g::text, 16, '0'), 'Penduduk ' || g, date '1990-01-01' + g, timestamp '2024-01-31 10:20:30.123456' + g * interval '1 hour',
             g * 1.5, 9007199254740993 + g, g % 2 = 0, NULL, g
        FROM generate_series(1, 30) g`);
    await admin.unsafe(`UPDATE ${t} SET nama = 'Müller Ñoño 日本', catatan = 'baris 1' WHERE kode = 1`);
  });

  after(async () => {
    await admin?.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
  });

  const byNik = compileData(spec({ form: 'table', table: t, columns: ['nik', 'nama', 'kode'], conditions: [{ column: 'nik', param: 'nik' }] }), 'postgres');
  const list = compileData(spec({ form: 'table', table: t, columns: ['kode'], order: [{ column: 'kode' }], limit: 10 }), 'postgres');
  const sql = (text: string, write = false) => compileData(spec({ form: 'sql', sql: text, write }), 'postgres');

  for (const size of poolSizes) {
    describe(`through a pool of size ${size}`, () => {
      let pool: ConnectorPool;
      before(() => void (pool = createPool({ size })));
      after(() => pool.close());

      test('by-key select', async () => {
        const r = await run(pool, job(connector, byNik({ nik: '0000000000000002' })));
        assert.deepEqual(r.rows, [{ nik: '0000000000000002', nama: 'Penduduk 2', kode: 2 }]);
        assert.deepEqual(r.end, { type: 'end', rowCount: 1, truncated: false });
        // One row travels with its end: a single message.
        assert.equal(r.events.length, 2);
      });

      test('an injection string is bound and matches nothing', async () => {
        const r = await run(pool, job(connector, byNik({ nik: "' OR 1=1 --" })));
        assert.deepEqual(r.events, [{ type: 'end', rowCount: 0, truncated: false }]);
      });

      test('list with limit and offset', async () => {
        const first = await run(pool, job(connector, list({})));
        assert.deepEqual(first.rows.map((r) => r.kode), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        const page = await run(pool, job(connector, list({}, { limit: 3, offset: 4 })));
        assert.deepEqual(page.rows.map((r) => r.kode), [5, 6, 7]);
        const wide = await run(pool, job(connector, list({}, { limit: 50 })));
        assert.equal(wide.rows.length, 10, 'the caller page cannot widen the operation limit');
      });

      test('types come back as PostgreSQL prints them', async () => {
        const q = sql(`SELECT nama, tgl_lahir, terdaftar, saldo, besar, aktif, catatan, kode,
          terdaftar::timestamptz AT TIME ZONE 'UTC' AS utc, '{1,2}'::int[] AS arr, '{"a":1}'::jsonb AS j, 1.5::float8 AS f
          FROM ${t} WHERE kode = :kode`);
        const r = await run(pool, job(connector, q({ kode: 1 })));
        assert.deepEqual(r.rows, [{
          nama: 'Müller Ñoño 日本', tgl_lahir: '1990-01-02', terdaftar: '2024-01-31 11:20:30.123456', saldo: '1.50',
          besar: '9007199254740994', aktif: false, catatan: 'baris 1', kode: 1, utc: '2024-01-31 11:20:30.123456',
          arr: '{1,2}', j: '{"a": 1}', f: 1.5,
        }]);
        const n = await run(pool, job(connector, q({ kode: 2 })));
        assert.equal(n.rows[0].aktif, true);
        assert.equal(n.rows[0].catatan, null);
      });

      test('writes report affected rows', async () => {
        const w = `${schema}.tulis_${size}`;
        await admin.unsafe(`CREATE TABLE ${w} (k int PRIMARY KEY, v text)`);
        const write = (s: Record<string, unknown>) => compileData(spec({ form: 'table', table: w, write: true, ...s }), 'postgres');
        const ins = write({ action: 'insert', columns: ['k', 'v'] });
        for (const k of [1, 2, 3]) assert.equal((await run(pool, job(connector, ins({ k, v: `v${k}` })))).end?.affectedRows, 1);
        const upd = write({ action: 'update', columns: ['v'], conditions: [{ column: 'k', op: '>=', param: 'k' }] });
        assert.deepEqual((await run(pool, job(connector, upd({ k: 2, v: 'x' })))).end, { type: 'end', rowCount: 0, truncated: false, affectedRows: 2 });
        const up = write({ action: 'upsert', columns: ['k', 'v'], keys: ['k'] });
        assert.equal((await run(pool, job(connector, up({ k: 3, v: 'y' })))).end?.affectedRows, 1);
        assert.equal((await run(pool, job(connector, up({ k: 4, v: 'z' })))).end?.affectedRows, 1);
        const del = write({ action: 'delete', conditions: [{ column: 'k', op: '<', param: 'k' }] });
        assert.equal((await run(pool, job(connector, del({ k: 3 })))).end?.affectedRows, 2);
        assert.deepEqual([...await admin.unsafe(`SELECT k, v FROM ${w} ORDER BY k`)], [{ k: 3, v: 'y' }, { k: 4, v: 'z' }]);
        const raw = sql(`UPDATE ${w} SET v = :v`, true);
        assert.equal((await run(pool, job(connector, raw({ v: 'q' })))).end?.affectedRows, 2);
      });

      test('a slow statement times out and is really cancelled on the server (one-go read, cursor, write)', async () => {
        const cases = [
          { text: (m: string) => `SELECT pg_sleep(5), '${m}' AS m`, rowCap: 100 },
          { text: (m: string) => `SELECT pg_sleep(5), '${m}' AS m`, rowCap: 1_000_000 },
          { text: (m: string) => `UPDATE ${t} SET catatan = '${m}' WHERE pg_sleep(5) IS NOT NULL`, rowCap: 100, write: true },
        ];
        for (const c of cases) {
          const marker = unique('slow');
          const started = Date.now();
          const r = await run(pool, job(connector, sql(c.text(marker), c.write)({}), { timeoutMs: 300, rowCap: c.rowCap }));
          assert.equal(r.error?.kind, 'timeout');
          assert.ok(Date.now() - started < 3000);
          const gone = await eventually(async () =>
            (await admin.unsafe(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%${marker}%' AND pid <> pg_backend_pid()`)).length === 0);
          assert.ok(gone, 'the statement still runs on the server');
        }
        // The connections are fine afterwards.
        assert.equal((await run(pool, job(connector, byNik({ nik: '0000000000000003' })))).rows.length, 1);
      });

      test('row cap: an error without truncate, the first rows with it', async () => {
        const q = sql('SELECT g FROM generate_series(1, 50) g')({});
        const over = await run(pool, job(connector, q, { rowCap: 10 }));
        assert.equal(over.error?.kind, 'rowcap');
        const cut = await run(pool, job(connector, q, { rowCap: 10, truncate: true }));
        assert.deepEqual(cut.rows.map((r) => r.g), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert.deepEqual(cut.end, { type: 'end', rowCount: 10, truncated: true });
        const exact = await run(pool, job(connector, q, { rowCap: 50 }));
        assert.deepEqual(exact.end, { type: 'end', rowCount: 50, truncated: false });
        // A large cap streams through a cursor; the same rules hold.
        const big = await run(pool, job(connector, sql('SELECT g FROM generate_series(1, 20050) g')({}), { rowCap: 20_000, truncate: true }));
        assert.equal(big.rows.length, 20_000);
        assert.equal(big.end?.truncated, true);
        assert.equal(big.rows[19_999].g, 20_000);
      });

      test('a consumer that stops early cancels the query', async () => {
        const marker = unique('early');
        const q = sql(`SELECT g, '${marker}' AS m FROM generate_series(1, 5000000) g`)({});
        let seen = 0;
        for await (const ev of pool.run(job(connector, q, { rowCap: 10_000_000 }))) {
          if (ev.type === 'rows') seen += ev.rows.length;
          if (seen > 0) break;
        }
        assert.ok(seen > 0);
        const gone = await eventually(async () =>
          (await admin.unsafe(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%${marker}%' AND pid <> pg_backend_pid()`)).length === 0);
        assert.ok(gone, 'the statement still runs on the server');
        assert.equal((await run(pool, job(connector, byNik({ nik: '0000000000000004' })))).rows.length, 1);
      });

      test('aborting the signal cancels a running statement', async () => {
        const marker = unique('abort');
        const ctrl = new AbortController();
        setTimeout(() => ctrl.abort(new Error('caller left')), 200);
        await assert.rejects(run(pool, job(connector, sql(`SELECT pg_sleep(5), '${marker}'`)({})), ctrl.signal), /caller left/);
        const gone = await eventually(async () =>
          (await admin.unsafe(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%${marker}%' AND pid <> pg_backend_pid()`)).length === 0);
        assert.ok(gone, 'the statement still runs on the server');
      });

      test('an unreachable server is "unavailable" without details; a good config version recovers', async () => {
        const id = `${schema}/moving-${size}`;
        const bad = ref(id, 1, { kind: 'postgres', ...cfg, port: 1, password: 'sekret-pw' });
        const r = await run(pool, job(bad, byNik({ nik: '0000000000000001' })));
        assert.equal(r.error?.kind, 'unavailable');
        for (const secret of [cfg.host!, ':1', 'sekret', String(cfg.user), 'SELECT', 'penduduk']) {
          assert.ok(!r.error!.message.includes(secret), `"${secret}" leaked into: ${r.error!.message}`);
        }
        await assert.rejects(pool.test(bad), (e: Error & { kind?: string }) => e.kind === 'unavailable' && !e.message.includes(cfg.host!));
        const good = ref(id, 2, { kind: 'postgres', ...cfg });
        assert.equal((await run(pool, job(good, byNik({ nik: '0000000000000001' })))).rows.length, 1);
      });

      test('connections the server dropped (as in a restart) are replaced on the next job', async () => {
        const marker = unique('restart');
        const mark = await run(pool, job(connector, sql(`SELECT '${marker}' AS m`)({})));
        assert.equal(mark.rows[0].m, marker);
        const killed = await admin.unsafe(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%${marker}%' AND pid <> pg_backend_pid()`,
        );
        assert.ok(killed.length >= 1);
        for (let i = 0; i < 3; i++) {
          assert.equal((await run(pool, job(connector, byNik({ nik: '0000000000000005' })))).rows.length, 1, `job ${i}`);
        }
      });

      test('query errors are classified without SQL text', async () => {
        const r = await run(pool, job(connector, sql(`SELECT no_such_column FROM ${t}`)({})));
        assert.equal(r.error?.kind, 'query');
        assert.match(r.error!.message, /SQLSTATE 42703/);
        assert.ok(!r.error!.message.includes('no_such_column'));
        assert.match(r.error!.detail ?? '', /no_such_column/, 'the raw error is kept for logs');
      });

      test('admin calls: test, tables, columns', async () => {
        await pool.test(connector);
        const tables = await pool.tables(connector);
        assert.ok(tables.some((x) => x.name === t && x.type === 'table'));
        const cols = await pool.columns(connector, t);
        assert.deepEqual(cols.slice(0, 3), [
          { name: 'nik', type: 'character varying(16)', nullable: false },
          { name: 'nama', type: 'text', nullable: true },
          { name: 'tgl_lahir', type: 'date', nullable: true },
        ]);
        await assert.rejects(pool.columns(connector, `${schema}.nope`), /unknown table/);
      });
    });
  }
});
