import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createPool, crashOneWorker, type ConnectorPool } from '../../connectors/pool.ts';
import { compileData } from '../../connectors/sql/index.ts';
import { getFormat } from '../../src/formats/index.ts';
import { DataSpec } from '../../src/model/operation-data.ts';
import type { Row } from '../../connectors/types.ts';
import { collect, job, poolSizes, ref, run } from './support.ts';

const sqlite = (text: string) => compileData(DataSpec.parse({ connector: 'db', form: 'sql', sql: text }), 'sqlite');
/** Database values as PHP hands them to MANTRA's encoders. */
const asText = (rows: Row[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : typeof v === 'boolean' ? (v ? '1' : '0') : String(v)])));
const envelope = (name: string, rows: unknown[]) => ({ response: { status: 1, code: 200, message: 'OK', data: { [name]: rows } } });

describe('connector pool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mantra-pool-'));
  const path = join(dir, 'p.db');
  const connector = ref('test/pool', 1, { kind: 'sqlite', path });
  const people = sqlite('SELECT nik, nama, kode, saldo FROM orang WHERE kode <= :n ORDER BY kode');
  const many = sqlite("SELECT x AS n, 'baris ke ' || x || ' — Müller' AS teks FROM c");

  before(() => {
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE orang (nik TEXT, nama TEXT, kode INTEGER, saldo REAL);
      CREATE VIEW c AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 20000) SELECT x FROM r;`);
    const ins = db.prepare('INSERT INTO orang VALUES (?, ?, ?, ?)');
    ins.run('3201000000000001', 'Müller "M" / Ñoño 日本', 1, 1.5);
    ins.run('3201000000000002', 'Budi', 2, null);
    ins.run('3201000000000003', 'Siti', 3, 0);
    db.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const size of poolSizes) {
    describe(`size ${size}: encode mode`, () => {
      let pool: ConnectorPool;
      before(() => void (pool = createPool({ size })));
      after(() => pool.close());
      const encode = (format: 'json' | 'xml' | 'serialize' | 'csv', envelopeName: 'mantra' | 'v1' = 'mantra', extra = {}) =>
        ({ mode: 'encode', format, envelope: envelopeName, name: 'orang_list', ...extra }) as const;

      test('json in the mantra envelope equals the whole-document encoding', async () => {
        const plain = await run(pool, job(connector, people({ n: 3 })));
        const r = await run(pool, job(connector, people({ n: 3 }), { output: encode('json') }));
        assert.equal(r.text, getFormat('json')!.document(envelope('orang_list', asText(plain.rows))));
        assert.deepEqual(r.end, { type: 'end', rowCount: 3, truncated: false });
        assert.deepEqual(r.events.map((e) => e.type), ['chunk', 'end'], 'a small answer is one chunk');
      });

      test('xml and serialize (which needs the count first) equal their whole-document encodings', async () => {
        const plain = asText((await run(pool, job(connector, people({ n: 3 })))).rows);
        for (const format of ['xml', 'serialize'] as const) {
          const r = await run(pool, job(connector, people({ n: 3 }), { output: encode(format) }));
          assert.equal(r.text, getFormat(format)!.document(envelope('orang_list', plain)), format);
        }
      });

      test('an empty result sends no chunk at all, only end', async () => {
        for (const format of ['json', 'serialize'] as const) {
          const r = await run(pool, job(connector, people({ n: 0 }), { output: encode(format) }));
          assert.deepEqual(r.events, [{ type: 'end', rowCount: 0, truncated: false }]);
        }
      });

      test('large results stream in ~64 KiB chunks and decode to the whole document', async () => {
        const r = await run(pool, job(connector, many({}), { output: encode('json'), rowCap: 100_000 }));
        const chunks = r.events.filter((e) => e.type === 'chunk') as { data: Uint8Array | string }[];
        assert.ok(chunks.length > 10, `only ${chunks.length} chunks`);
        for (const c of chunks.slice(0, -1)) assert.ok(c.data.length >= 64 * 1024 && c.data.length < 80 * 1024, String(c.data.length));
        const rows = Array.from({ length: 20000 }, (_, i) => ({ n: String(i + 1), teks: `baris ke ${i + 1} — Müller` }));
        assert.equal(r.text, getFormat('json')!.document(envelope('orang_list', rows)));
      });

      test('v1 meta: row count, truncation, and the next cursor only for a full page', async () => {
        const out = (n: number, truncate = false, rowCap = 100) =>
          run(pool, job(connector, people({ n }), {
            rowCap, truncate, output: encode('json', 'v1', { meta: { limit: 2, offset: 0 }, pageLimit: 2, nextCursor: 'abc' }),
          }));
        const full = JSON.parse((await out(2)).text);
        assert.equal(full.data.length, 2);
        assert.deepEqual(full.meta, { limit: 2, offset: 0, rowCount: 2, truncated: false, nextCursor: 'abc' });
        const partial = JSON.parse((await out(1)).text);
        assert.deepEqual(partial.meta, { limit: 2, offset: 0, rowCount: 1, truncated: false });
        const cut = JSON.parse((await out(3, true, 1)).text);
        assert.deepEqual(cut.meta, { limit: 2, offset: 0, rowCount: 1, truncated: true });
      });

      test('the row shape is applied before encoding', async () => {
        const r = await run(pool, job(connector, people({ n: 2 }), {
          output: encode('json', 'v1'),
          shape: { fields: [{ from: 'nik', as: 'id' }, { from: 'kode' }, { from: 'nama' }], labels: { kode: { '1': 'satu' } }, mask: ['id'], hide: ['nama'] },
        }));
        assert.deepEqual(JSON.parse(r.text).data, [{ id: '3201********0001', kode: 'satu' }, { id: '3201********0002', kode: 2 }]);
      });

      test('an unknown format is a config error', async () => {
        const r = await run(pool, job(connector, people({ n: 1 }), { output: { ...encode('json'), format: 'yaml' as 'json' } }));
        assert.equal(r.error?.kind, 'config');
      });
    });

    describe(`size ${size}: jobs`, () => {
      let pool: ConnectorPool;
      before(() => void (pool = createPool({ size, batchSize: 100 })));
      after(() => pool.close());

      test('a newer connector version replaces the old pool; an older one is served by the newer', async () => {
        const other = join(dir, `other-${size}.db`);
        const db = new DatabaseSync(other);
        db.exec("CREATE TABLE orang (nik TEXT, nama TEXT, kode INTEGER, saldo REAL); INSERT INTO orang VALUES ('x', 'Lain', 1, 0)");
        db.close();
        const id = `test/versions-${size}`;
        assert.equal((await run(pool, job(ref(id, 1, { kind: 'sqlite', path }), people({ n: 1 })))).rows[0].nama, 'Müller "M" / Ñoño 日本');
        assert.equal((await run(pool, job(ref(id, 2, { kind: 'sqlite', path: other }), people({ n: 1 })))).rows[0].nama, 'Lain');
        assert.equal((await run(pool, job(ref(id, 1, { kind: 'sqlite', path }), people({ n: 1 })))).rows[0].nama, 'Lain');
      });

      test('many jobs at once all finish, each with its own rows', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => run(pool, job(connector, people({ n: (i % 3) + 1 })))));
        results.forEach((r, i) => assert.equal(r.rows.length, (i % 3) + 1));
      });

      test('a signal aborted before the start rejects the iteration', async () => {
        const ctrl = new AbortController();
        ctrl.abort(new Error('too late'));
        await assert.rejects(run(pool, job(connector, people({ n: 1 })), ctrl.signal), /too late/);
        assert.equal((await run(pool, job(connector, people({ n: 1 })))).rows.length, 1);
      });

      test('a consumer that leaves early cancels the job and frees the pool', async () => {
        const it = pool.run(job(connector, many({}), { rowCap: 100_000 }));
        const first = await it.next();
        assert.equal(first.value?.type, 'rows');
        await it.return!();
        assert.deepEqual(await it.next(), { value: undefined, done: true });
        assert.equal((await run(pool, job(connector, people({ n: 2 })))).rows.length, 2);
      });
    });
  }

  test('a crashed worker fails its jobs cleanly and is replaced', async () => {
    const pool = createPool({ size: 1, batchSize: 100 });
    try {
      const slow = pool.run(job(connector, many({}), { rowCap: 100_000 }));
      assert.equal((await slow.next()).value?.type, 'rows'); // the job now waits for this consumer
      crashOneWorker(pool);
      // Not consuming meanwhile: the job waits on its credit and cannot finish before the worker throws.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const rest = await collect(slow);
      assert.equal(rest.error?.kind, 'unavailable');
      assert.equal((await run(pool, job(connector, people({ n: 3 })))).rows.length, 3);
    } finally {
      await pool.close();
    }
  });

  test('jobs go to the least busy worker; workers start only when needed', async () => {
    const pool = createPool({ size: 2, batchSize: 100 });
    try {
      assert.deepEqual(pool.stats().active, []);
      assert.equal((await run(pool, job(connector, people({ n: 1 })))).rows.length, 1);
      assert.deepEqual(pool.stats().active, [0], 'one idle worker serves one job at a time');
      const a = pool.run(job(connector, many({}), { rowCap: 100_000 }));
      await a.next(); // a holds its worker: it waits for this consumer
      const b = pool.run(job(connector, many({}), { rowCap: 100_000 }));
      await b.next();
      assert.deepEqual(pool.stats().active, [1, 1]);
      const c = pool.run(job(connector, many({}), { rowCap: 100_000 }));
      await c.next();
      assert.deepEqual([...pool.stats().active].sort(), [1, 2]);
      await a.return!();
      await b.return!();
      await c.return!();
    } finally {
      await pool.close();
    }
  });

  test('close ends running jobs, refuses new ones, and leaves nothing open', async () => {
    for (const size of poolSizes) {
      const pool = createPool({ size, batchSize: 100 });
      const running = pool.run(job(connector, many({}), { rowCap: 100_000 }));
      assert.equal((await running.next()).value?.type, 'rows');
      await pool.close();
      const rest = await collect(running);
      assert.ok(rest.error, `size ${size}: the running job ended without an error`);
      const after = await run(pool, job(connector, people({ n: 1 })));
      assert.equal(after.error?.kind, 'unavailable');
      await assert.rejects(pool.test(connector));
    }
  });

  test('the default size is the number of cores', async () => {
    const pool = createPool();
    assert.ok(pool.size >= 1);
    await pool.close();
  });
});
