import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, type ConnectorPool } from '../../../connectors/pool.ts';
import { compileData } from '../../../connectors/sql/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import { writeFixtures } from '../../fixtures/dbf/generate.ts';
import { job, poolSizes, ref, run } from '../support.ts';

const table = (s: Record<string, unknown>) => compileData(DataSpec.parse({ connector: 'db', form: 'table', ...s }), 'dbf');

describe('dbf connector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mantra-dbf-'));
  // pelanggan is cp1252 (named by the connector), produk is cp850 (taken from the file header).
  const pelanggan = ref('test/dbf-cp1252', 1, { kind: 'dbf', path: dir, encoding: 'cp1252' });
  const produk = ref('test/dbf-auto', 1, { kind: 'dbf', path: dir });
  before(() => writeFixtures(dir));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const byKode = table({ table: 'pelanggan', columns: ['kode', 'nama', 'lahir', 'saldo', 'catatan'], conditions: [{ column: 'kode', param: 'kode' }] });

  for (const size of poolSizes) {
    describe(`through a pool of size ${size}`, () => {
      let pool: ConnectorPool;
      before(() => void (pool = createPool({ size })));
      after(() => pool.close());

      test('by-key select with a memo field and cp1252 text', async () => {
        const r = await run(pool, job(pelanggan, byKode({ kode: '1' })));
        assert.deepEqual(r.rows, [{ kode: 1, nama: 'Müller', lahir: '1980-02-29', saldo: '1250.50', catatan: 'Pelanggan lama, suka kopi. Café crème.' }]);
        assert.deepEqual(r.end, { type: 'end', rowCount: 1, truncated: false });
      });

      test('dBase III: every column, deleted records left out, long memo', async () => {
        const r = await run(pool, job(pelanggan, table({ table: 'PELANGGAN' })({})));
        assert.deepEqual(r.rows.map((x) => x.KODE), [1, 2, 3, 5]);
        assert.deepEqual(r.rows[1], { KODE: 2, NAMA: 'Siti Ñoño', KOTA: 'Jakarta', LAHIR: '1991-12-01', SALDO: '-3.25', AKTIF: false, CATATAN: null });
        assert.equal(r.rows[2].LAHIR, null);
        assert.equal(r.rows[2].AKTIF, null);
        assert.equal(r.rows[2].CATATAN, 'x'.repeat(700));
      });

      test('Visual FoxPro: integer, currency, double, datetime, memo in cp850', async () => {
        const r = await run(pool, job(produk, table({ table: 'produk' })({})));
        assert.deepEqual(r.rows[0], {
          ID: 10, NAMA: 'Käse Größe', HARGA: '15000.5000', BERAT: 1.25, DIBUAT: '2024-01-31 10:20:30', URAIAN: 'Keju dari Zürich - für alle',
        });
        assert.deepEqual(r.rows.map((x) => x.NAMA), ['Käse Größe', 'Öl', 'Señal']);
        assert.equal(r.rows[1].URAIAN, null);
      });

      test('conditions: AND before OR, LIKE, numbers compared as numbers', async () => {
        const q = table({
          table: 'pelanggan', columns: ['kode'],
          conditions: [{ column: 'kota', param: 'kota' }, { column: 'saldo', op: '>', value: 100 }, { column: 'nama', op: 'LIKE', param: 'nama', join: 'OR' }],
        });
        assert.deepEqual((await run(pool, job(pelanggan, q({ kota: 'Bandung', nama: 'J%' })))).rows, [{ kode: 1 }, { kode: 5 }]);
        const cheap = table({ table: 'pelanggan', columns: ['kode'], conditions: [{ column: 'saldo', op: '<=', param: 's' }] });
        assert.deepEqual((await run(pool, job(pelanggan, cheap({ s: '0' })))).rows, [{ kode: 2 }, { kode: 3 }]);
        assert.deepEqual((await run(pool, job(pelanggan, byKode({ kode: "' OR 1=1 --" })))).events, [{ type: 'end', rowCount: 0, truncated: false }]);
      });

      test('order, limit and offset', async () => {
        const q = table({ table: 'pelanggan', columns: ['nama'], order: [{ column: 'nama', dir: 'DESC' }], limit: 3 });
        assert.deepEqual((await run(pool, job(pelanggan, q({})))).rows.map((x) => x.nama), ['Siti Ñoño', 'Müller', 'José']);
        assert.deepEqual((await run(pool, job(pelanggan, q({}, { offset: 1, limit: 2 })))).rows.map((x) => x.nama), ['Müller', 'José']);
        const unordered = table({ table: 'pelanggan', columns: ['kode'] });
        assert.deepEqual((await run(pool, job(pelanggan, unordered({}, { offset: 1, limit: 2 })))).rows, [{ kode: 2 }, { kode: 3 }]);
      });

      test('row cap and truncation', async () => {
        const q = table({ table: 'pelanggan', columns: ['kode'] })({});
        assert.equal((await run(pool, job(pelanggan, q, { rowCap: 2 }))).error?.kind, 'rowcap');
        assert.deepEqual((await run(pool, job(pelanggan, q, { rowCap: 2, truncate: true }))).end, { type: 'end', rowCount: 2, truncated: true });
      });

      test('errors: unknown table or column; a missing folder is "unavailable" and a new version recovers', async () => {
        assert.equal((await run(pool, job(pelanggan, table({ table: 'nope' })({})))).error?.kind, 'query');
        const badColumn = await run(pool, job(pelanggan, table({ table: 'pelanggan', columns: ['nope'] })({})));
        assert.deepEqual(badColumn.error && { kind: badColumn.error.kind, message: badColumn.error.message }, { kind: 'query', message: 'unknown column "nope"' });
        const id = `test/dbf-moving-${size}`;
        const missing = await run(pool, job(ref(id, 1, { kind: 'dbf', path: join(dir, 'gone') }), byKode({ kode: 1 })));
        assert.equal(missing.error?.kind, 'unavailable');
        assert.ok(!missing.error!.message.includes(dir));
        assert.equal((await run(pool, job(ref(id, 2, { kind: 'dbf', path: dir, encoding: 'cp1252' }), byKode({ kode: 1 })))).rows.length, 1);
      });

      test('admin calls: tables and columns', async () => {
        await pool.test(pelanggan);
        assert.deepEqual(await pool.tables(pelanggan), [{ name: 'PELANGGAN', type: 'table' }, { name: 'produk', type: 'table' }]);
        assert.deepEqual((await pool.columns(pelanggan, 'pelanggan')).slice(3, 6), [
          { name: 'LAHIR', type: 'D(8)', nullable: true },
          { name: 'SALDO', type: 'N(12,2)', nullable: true },
          { name: 'AKTIF', type: 'L(1)', nullable: true },
        ]);
        await assert.rejects(pool.test(ref('test/dbf-none', 1, { kind: 'dbf', path: join(dir, 'gone') })), /unavailable/);
      });
    });
  }
});
