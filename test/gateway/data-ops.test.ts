/** Data operations end to end over SQLite: shaping, JSONata, writes, row caps, field rules per subscription. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { testApp } from '../support/app.ts';

const KEY = 'datakey0001', MASKED = 'maskedkey01';

describe('data operations (SQLite)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  const op = (slug: string, body: Record<string, unknown>) =>
    t.put('operation', { agency: 'pemda', service: 'warga', slug, kind: 'data', ...body }).then(() => t.subscribe(KEY, 'pemda', 'warga', slug));
  const call = (path: string, init: RequestInit = {}) =>
    t.app.request(path, { ...init, headers: { 'X-API-Key': KEY, ...(init.headers ?? {}) } });

  before(async () => {
    t = await testApp();
    const file = path.join(t.dir, 'warga.sqlite');
    const db = new DatabaseSync(file);
    db.exec(`create table warga (id integer primary key, nama text, jk text, nik text);
      insert into warga (nama, jk, nik) values ('Siti', 'P', '3201000000000001'), ('Budi', 'L', '3201000000000002'), ('Ayu', 'P', '3201000000000003');`);
    db.close();
    await t.put('agency', { slug: 'pemda', name: 'Pemda' });
    await t.put('connector', { agency: 'pemda', slug: 'db', kind: 'sqlite', path: file });
    await t.put('service', { agency: 'pemda', slug: 'warga' });
    await op('daftar', {
      data: { form: 'table', connector: 'db', table: 'warga', columns: ['nama', 'jk', 'nik'], order: [{ column: 'id' }] },
      shape: { fields: [{ from: 'nama', as: 'name' }, { from: 'jk', as: 'gender' }, { from: 'nik' }], labels: { gender: { P: 'Perempuan', L: 'Laki-laki' } } },
    });
    await op('ringkas', {
      data: { form: 'sql', connector: 'db', sql: 'select jk, count(*) as n from warga group by jk order by jk' },
      shape: { jsonata: '{ "total": $sum(n), "perempuan": $[jk="P"].n }' },
    });
    await op('tambah', {
      params: [{ name: 'nama' }, { name: 'jk', pattern: '[LP]' }],
      data: { form: 'table', connector: 'db', table: 'warga', action: 'insert', columns: ['nama', 'jk'], write: true },
    });
    await op('hapus_diam', {
      data: { form: 'sql', connector: 'db', sql: 'delete from warga' },
    });
    await op('terbatas', { data: { form: 'table', connector: 'db', table: 'warga', rowCap: 2 } });
    await op('terpotong', { data: { form: 'table', connector: 'db', table: 'warga', rowCap: 2, truncate: true } });
    await t.subscribe(MASKED, 'pemda', 'warga', 'daftar', { id: 'masked-daftar', hideFields: ['gender'], maskFields: ['nik'] });
  });
  after(() => t?.close());

  test('select and rename fields, map codes to labels', async () => {
    const body = await (await call('/v1/pemda/warga/daftar')).json();
    assert.deepEqual(body.data[0], { name: 'Siti', gender: 'Perempuan', nik: '3201000000000001' });
    const compat = JSON.parse(await (await t.app.request('/json/pemda/warga/daftar', { headers: { AccessKey: KEY } })).text());
    assert.equal(compat.response.data.daftar['1'].gender, 'Laki-laki');
  });

  test('a subscription hides and masks fields', async () => {
    const body = await (await t.app.request('/v1/pemda/warga/daftar', { headers: { 'X-API-Key': MASKED } })).json();
    assert.deepEqual(body.data[0], { name: 'Siti', nik: '3201********0001' });
  });

  test('a JSONata expression shapes the whole result', async () => {
    const body = await (await call('/v1/pemda/warga/ringkas')).json();
    assert.deepEqual(body.data, { total: 3, perempuan: 2 });
  });

  test('writes report affected rows; an unmarked write is refused at configuration', async () => {
    const res = await call('/v1/pemda/warga/tambah', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ nama: 'Dewi', jk: 'P' }) });
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).data, [{ affected_rows: 1 }]);
    const refused = await call('/v1/pemda/warga/hapus_diam', { method: 'POST' });
    assert.equal(refused.status, 502);
    assert.equal((await refused.json()).code, 10023);
    assert.equal((await (await call('/v1/pemda/warga/daftar')).json()).data.length, 4, 'nothing was deleted');
  });

  test('row cap: an error, or truncation flagged in meta', async () => {
    const over = await call('/v1/pemda/warga/terbatas');
    assert.equal(over.status, 413);
    assert.equal((await over.json()).code, 10022);
    const cut = await (await call('/v1/pemda/warga/terpotong')).json();
    assert.equal(cut.data.length, 2);
    assert.equal(cut.meta.truncated, true);
  });

  test('configuration changes take effect without restart', async () => {
    await t.put('operation', {
      agency: 'pemda', service: 'warga', slug: 'daftar', kind: 'data',
      data: { form: 'table', connector: 'db', table: 'warga', columns: ['nama'], order: [{ column: 'id', dir: 'DESC' }] },
    });
    const body = await (await call('/v1/pemda/warga/daftar')).json();
    assert.deepEqual(body.data[0], { nama: 'Dewi' });
  });

  test('catalogue: public operations and an OpenAPI 3.1 document per service', async () => {
    const list = await (await t.app.request('/catalogue')).json();
    assert.ok(list.some((o: any) => o.operation === 'tambah' && o.params.length === 2));
    const doc = await (await t.app.request('/catalogue/pemda/warga/openapi.json')).json();
    assert.equal(doc.openapi, '3.1.0');
    const tambah = doc.paths['/v1/pemda/warga/tambah'].get;
    assert.deepEqual(tambah.parameters.slice(0, 2).map((p: any) => [p.name, p.required, p.schema.pattern]), [['nama', true, undefined], ['jk', true, '^(?:[LP])$']]);
    assert.equal((await t.app.request('/catalogue/pemda/none/openapi.json')).status, 404);
  });
});
