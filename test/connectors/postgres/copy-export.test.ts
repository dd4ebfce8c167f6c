/**
 * CSV and NDJSON exports through PostgreSQL's COPY are byte for byte what Mantra's encoders write for the rows the
 * connector reads (every type, tricky text, NULL and ''), with caller values bound; the fallbacks, the row cap,
 * cancelling and the connection's health afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { driver } from '../../../connectors/postgres/index.ts';
import { createPool, type ConnectorPool } from '../../../connectors/pool.ts';
import type { DriverPool } from '../../../connectors/driver.ts';
import type { BulkExport, ExportOptions } from '../../../connectors/job/export.ts';
import type { JobEvent } from '../../../connectors/job/types.ts';
import type { Row, SqlPlan } from '../../../connectors/types.ts';
import { compileData } from '../../../connectors/sql/index.ts';
import { getFormat } from '../../../src/formats/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import { Cancel } from '../../../connectors/cancel.ts';
import { needService, pgUrl } from '../../support/services.ts';
import { eventually, job, poolSizes, ref, unique, urlConfig } from '../support.ts';

const skip = await needService('postgres', pgUrl);
const schema = unique('mantra_copy');
const t = `${schema}.semua_jenis`;
const cfg = urlConfig(pgUrl);
const spec = (s: Record<string, unknown>) => DataSpec.parse({ connector: 'db', ...s });
const sqlPlan = (text: string, values: Record<string, string | number | boolean | null> = {}) =>
  compileData(spec({ form: 'sql', sql: text }), 'postgres')(values) as SqlPlan;

const never = new Cancel();
const utf8 = new TextDecoder();

/** The driver's rows encoded by Mantra's own encoder: what an answer without COPY is. */
async function encoded(pool: DriverPool, plan: SqlPlan, format: 'csv' | 'ndjson', envelope: 'v1' | 'mantra'): Promise<string> {
  const rows: Row[] = [];
  await pool.query(plan, { signal: never, timeoutMs: 5000, batchSize: 500, maxRows: 1_000_000, onBatch: (b) => void rows.push(...b) });
  const enc = getFormat(format)!.rows({ envelope, name: 'semua_jenis' });
  if (rows.length === 0) return '';
  let text = enc.head();
  rows.forEach((r, i) => (text += enc.row(r, i)));
  return text + enc.tail({ rowCount: rows.length });
}

async function exported(pool: DriverPool & BulkExport, plan: SqlPlan, opts: Partial<ExportOptions> & Pick<ExportOptions, 'format' | 'envelope'>) {
  const chunks: Uint8Array[] = [];
  const r = await pool.export(plan, { signal: never, timeoutMs: 5000, maxRows: 1_000_000, onChunk: (b) => void chunks.push(b.slice()), ...opts });
  if (!r) return undefined;
  return { ...r, chunks, text: [...chunks, r.tail].map((c) => utf8.decode(c)).join('') };
}

describe('PostgreSQL COPY exports', { skip }, () => {
  let admin: ReturnType<typeof postgres>;
  let pool: DriverPool & BulkExport;

  before(async () => {
    admin = postgres(pgUrl, { max: 2, onnotice: () => {} });
    await admin.unsafe(`CREATE SCHEMA ${schema}`);
    await admin.unsafe(`CREATE TYPE ${schema}.warna AS ENUM ('merah', 'putih')`);
    await admin.unsafe(`CREATE TABLE ${t} (
      id int4, kecil int2, besar int8, uang numeric(14,2), teks text, pendek varchar(40), tetap char(5), aktif boolean,
      tgl date, jam time, jam_tz timetz, waktu timestamp, waktu_tz timestamptz, lama interval, dok json, dokb jsonb,
      isi bytea, kode uuid, alamat_ip inet, angka int4[], kata text[], nomor oid, warna ${schema}.warna, "kolom ""aneh"", ini" text)`);
    await admin.unsafe(`INSERT INTO ${t} VALUES
      (1, -5, 9007199254740993, 1234.50, 'biasa', 'Jl. Merdeka, RT 01/RW 02', 'ab', true, '2024-02-29', '10:20:30.5', '10:20:30+07',
       '2024-01-31 10:20:30.123456', '2024-01-31 10:20:30.123456+07', '1 day 02:03:04', '{"a": [1, "x,y"], "b": null}', '{"b": "\\"q\\"", "a": 1}',
       '\\x00ff0a22', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '10.1.2.3/32', '{1,2,NULL}', '{"a b","c,d",NULL}', 4294967295, 'merah', 'x'),
      (2, 0, -1, 0, 'kutip "ganda", koma', '', '', false, '0001-01-01', '00:00', '00:00+00', '1999-12-31 23:59:59', 'infinity', '-1 mon',
       '[]', '{}', '\\x', '00000000-0000-0000-0000-000000000000', '::1', '{}', '{}', 0, 'putih', ''),
      (3, NULL, NULL, NULL, E'baris\\nbaru\\r\\ndan\\ttab \\\\ garis miring', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (4, 32767, 0, -0.01, 'Müller Ñoño 日本 😀 \\. /', ' spasi ', 'abcde', true, '2024-01-01', '23:59:59.999999', '23:59:59-12',
       '2024-01-01 00:00:00', '2024-01-01 00:00:00+00', '0', '"teks"', '"teks"', '\\x5c2e', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
       '192.168.0.0/16', '{-1}', '{"\\"q\\""}', 1, NULL, E'\\\\.')`);
    pool = driver.open({ ...cfg, kind: 'postgres', agency: 'test', slug: 'copy', ssl: 'disable', poolSize: 2 } as never, { maxConnections: 2 }) as DriverPool & BulkExport;
  });

  after(async () => {
    await pool?.close();
    await admin?.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
  });

  const all = () => sqlPlan(`SELECT * FROM ${t} ORDER BY id`);

  for (const format of ['csv', 'ndjson'] as const) {
    for (const envelope of ['v1', 'mantra'] as const) {
      test(`${format} (${envelope}): every type, byte for byte the encoder's answer`, async () => {
        const want = await encoded(pool, all(), format, envelope);
        const got = await exported(pool, all(), { format, envelope });
        assert.ok(got, 'COPY took the export');
        assert.equal(got.text, want);
        assert.equal(got.rows, 4);
        assert.equal(got.more, false);
      });
    }
  }

  test('a one-column csv: a lone \\. stays unquoted, as the encoder writes it', async () => {
    const plan = sqlPlan(`SELECT "kolom ""aneh"", ini" FROM ${t} ORDER BY id`);
    const got = await exported(pool, plan, { format: 'csv', envelope: 'v1' });
    assert.equal(got?.text, await encoded(pool, plan, 'csv', 'v1'));
    assert.match(got!.text, /\r\n\\\.\r\n$/);
  });

  test('caller values stay bound: typed, NULL apart from \'\', an injection string matches nothing', async () => {
    const text = `SELECT id, teks FROM ${t} WHERE (teks = :teks OR :teks IS NULL) AND tgl >= :sejak AND id < :batas ORDER BY id`;
    const cases: Record<string, string | number | boolean | null>[] = [
      { teks: 'biasa', sejak: '2000-01-01', batas: 10 },
      { teks: null, sejak: '0001-01-01', batas: 4 },
      { teks: "' OR 1=1 --", sejak: '0001-01-01', batas: 10 },
      { teks: '', sejak: '0001-01-01', batas: 10 },
    ];
    const counts: number[] = [];
    for (const values of cases) {
      const plan = sqlPlan(text, values);
      const got = await exported(pool, plan, { format: 'csv', envelope: 'v1' });
      assert.ok(got);
      assert.equal(got.text, await encoded(pool, plan, 'csv', 'v1'));
      counts.push(got.rows);
    }
    assert.deepEqual(counts, [1, 2, 0, 0]);
    // A page bound as the plan binds it (limit and offset are placeholders too).
    const paged = compileData(spec({ form: 'table', table: t, columns: ['id', 'teks'], order: [{ column: 'id' }] }), 'postgres')({}, { limit: 2, offset: 1 }) as SqlPlan;
    assert.ok(paged.params.length === 2);
    const got = await exported(pool, paged, { format: 'ndjson', envelope: 'v1' });
    assert.equal(got?.text, '{"id":2,"teks":"kutip \\"ganda\\", koma"}\n{"id":3,"teks":"baris\\nbaru\\r\\ndan\\ttab \\\\ garis miring"}\n');
  });

  test('float columns, clashing or index-like names: not taken (the rows path answers)', async () => {
    const refused = [
      `SELECT 1.5::float8 AS f, 'x' AS t`,
      `SELECT 1.5::float4 AS f`,
      `SELECT 1 AS a, 2 AS a`,
      `SELECT 1 AS "0", 2 AS b`,
    ];
    for (const text of refused) assert.equal(await exported(pool, sqlPlan(text), { format: 'csv', envelope: 'v1' }), undefined, text);
    // A statement the server refuses is left to the rows path too, which reports it as it always has.
    assert.equal(await exported(pool, sqlPlan('SELECT no_such_column FROM pg_class'), { format: 'csv', envelope: 'v1' }), undefined);
  });

  test('an empty result is no bytes at all; the cap tells "more" and cuts at whole rows', async () => {
    const none = await exported(pool, sqlPlan(`SELECT * FROM ${t} WHERE id < 0`), { format: 'csv', envelope: 'v1' });
    assert.deepEqual({ rows: none?.rows, text: none?.text, more: none?.more }, { rows: 0, text: '', more: false });
    const plan = sqlPlan(`SELECT g AS n, repeat('x', 100) AS isi FROM generate_series(1, 5000) g`);
    // A cap this low is read as rows unless the page is large.
    assert.equal(await exported(pool, plan, { format: 'csv', envelope: 'v1', maxRows: 1000 }), undefined);
    const cut = await exported(pool, plan, { format: 'csv', envelope: 'v1', maxRows: 1000, large: true });
    assert.equal(cut?.rows, 1000);
    assert.equal(cut?.more, true);
    const lines = cut!.text.split('\r\n');
    assert.equal(lines.length, 1002); // header, 1000 rows, '' after the last CRLF
    assert.equal(lines[1000], `1000,${'x'.repeat(100)}`);
    // Chunks hold whole records of about 64 KiB.
    assert.ok(cut!.chunks.length >= 1 && cut!.chunks.every((c) => c.byteLength >= 64 * 1024 && utf8.decode(c).endsWith('\r\n')));
    const exact = await exported(pool, plan, { format: 'ndjson', envelope: 'v1', maxRows: 5000, large: true });
    assert.deepEqual([exact?.rows, exact?.more], [5000, false]);
  });

  test('a consumer that fails stops the COPY; an abort cancels it on the server; the connections stay sound', async () => {
    const marker = unique('copy_cancel');
    // Two small series joined: a big series alone is computed whole before its first row comes.
    const big = sqlPlan(`SELECT a * 10000 + b AS g, '${marker}' AS m FROM generate_series(1, 10000) a, generate_series(1, 10000) b`);
    const running = async () =>
      (await admin.unsafe(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%${marker}%' AND query NOT LIKE '%pg_stat_activity%'`)).length;
    await assert.rejects(exported(pool, big, { format: 'csv', envelope: 'v1', onChunk: () => Promise.reject(new Error('consumer failed')) }), /consumer failed/);
    assert.ok(await eventually(async () => (await running()) === 0), 'the COPY still runs after its consumer failed');
    const ctrl = new Cancel();
    let chunks = 0;
    const slow = exported(pool, big, { format: 'ndjson', envelope: 'v1', signal: ctrl, onChunk: () => new Promise((r) => setTimeout(r, 50)).then(() => void chunks++) });
    assert.ok(await eventually(async () => chunks > 2 && (await running()) === 1), 'the COPY runs while its consumer reads');
    ctrl.abort();
    await assert.rejects(slow, (e: Error & { kind?: string }) => e.kind === 'cancelled');
    assert.ok(await eventually(async () => (await running()) === 0), 'the COPY still runs after the abort');
    // Twenty exports in a row and a query on every connection afterwards: none is left paused or in a transaction.
    for (let i = 0; i < 20; i++) await exported(pool, sqlPlan(`SELECT id, teks FROM ${t} WHERE id > :n`, { n: i % 3 }), { format: 'csv', envelope: 'v1' });
    const byKey = sqlPlan(`SELECT teks FROM ${t} WHERE id = :id`, { id: 1 });
    const rows = await Promise.all([1, 2, 3, 4].map(() => encoded(pool, byKey, 'csv', 'v1')));
    assert.deepEqual(rows, Array(4).fill('teks\r\nbiasa\r\n'));
  });

  for (const size of poolSizes) {
    describe(`through a pool of size ${size}`, () => {
      let jobs: ConnectorPool;
      const connector = ref(`${schema}/pg`, 1, { kind: 'postgres', ...cfg });
      before(() => void (jobs = createPool({ size })));
      after(() => jobs.close());

      /** A row shape that changes nothing keeps the job on the rows path. */
      const same = { fields: [{ from: 'n' }, { from: 'teks' }, { from: 'genap' }] };
      const answer = async (rowCap: number, truncate = false, shape?: typeof same) => {
        const out = { text: '', events: [] as JobEvent[] };
        const plan = sqlPlan(`SELECT g AS n, 'baris, ' || g AS teks, g % 2 = 0 AS genap FROM generate_series(1, 30000) g`);
        for await (const ev of jobs.run(job(connector, plan, { rowCap, truncate, shape, output: { mode: 'encode', format: 'csv', envelope: 'v1', name: 'x' } }))) {
          out.events.push(ev);
          if (ev.type === 'chunk') out.text += typeof ev.data === 'string' ? ev.data : utf8.decode(ev.data);
        }
        return { ...out, end: out.events[out.events.length - 1] };
      };

      test('a job with a large row cap streams the COPY: the same bytes and end as the rows path', async () => {
        const viaCopy = await answer(100_000);
        const viaRows = await answer(100_000, false, same);
        assert.equal(viaCopy.text, viaRows.text);
        assert.deepEqual(viaCopy.end, { type: 'end', rowCount: 30_000, truncated: false });
        assert.match(viaCopy.text, /^n,teks,genap\r\n1,"baris, 1",false\r\n2,"baris, 2",true\r\n/);
        const cut = await answer(20_000, true);
        assert.deepEqual(cut.end, { type: 'end', rowCount: 20_000, truncated: true });
        assert.equal(cut.text.split('\r\n').length, 20_002);
        const over = await answer(20_000);
        assert.equal(over.end.type === 'error' && over.end.error.kind, 'rowcap');
      });
    });
  }
});
