/** REST v1 over a real PostgreSQL: formats, statuses, problem details, paging, tracks. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg, pendudukRows } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { encodeCursor } from '../../src/gateway/cursor.ts';
import { BY_NIK as KEY, LIST, setupDukcapil } from '../support/dukcapil.ts';

const skip = await needService('PostgreSQL', pgUrl);

describe('REST v1', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });
  const base = '/v1/dukcapil/kependudukan';

  before(async () => {
    t = await testApp();
    await setupDukcapil(t, await loadPendudukPg());
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'cari', kind: 'data',
      params: [{ name: 'nama' }, { name: 'wilayah', type: 'integer', required: false }],
      data: { form: 'sql', connector: 'pg', sql: "select nik, nama, kode_wilayah from penduduk where nama like :nama || '%' and (:wilayah::int is null or kode_wilayah = :wilayah::int) order by nik" },
    });
    await t.subscribe(KEY, 'dukcapil', 'kependudukan', 'cari');
  });
  after(() => t?.close());

  test('by key: JSON with native types and meta', async () => {
    const res = await get(`${base}/penduduk_by_nik?nik=3201000000000042`, { Authorization: `Bearer ${KEY}` });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    const body = await res.json();
    assert.deepEqual(body.data, [{ nik: '3201000000000042', nama: 'Penduduk 42', tgl_lahir: '1954-04-04', jenis_kelamin: 'P', alamat: 'Jl. Merdeka No. 43, RT 13/RW 07', kode_wilayah: 3201042 }]);
    assert.equal(body.meta.rowCount, 1);
  });

  test('format by suffix, ?format= and Accept; key by X-API-Key and AccessKey', async () => {
    const xml = await get(`${base}/penduduk_by_nik.xml?nik=3201000000000042`, { 'X-API-Key': KEY });
    assert.equal(xml.status, 200);
    const parsed = new XMLParser({ parseTagValue: false }).parse(await xml.text());
    assert.equal(parsed.response.data.penduduk_by_nik.nama, 'Penduduk 42');
    const csv = await get(`${base}/penduduk_by_nik?nik=3201000000000042`, { AccessKey: KEY, Accept: 'text/csv' });
    assert.equal(await csv.text(), 'nik,nama,tgl_lahir,jenis_kelamin,alamat,kode_wilayah\r\n3201000000000042,Penduduk 42,1954-04-04,P,"Jl. Merdeka No. 43, RT 13/RW 07",3201042\r\n');
    const nd = await get(`${base}/penduduk_list?format=ndjson&limit=3`, { AccessKey: LIST });
    const lines = (await nd.text()).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((r) => r.nik), ['3201000000000001', '3201000000000002', '3201000000000003']);
  });

  test('errors: problem details with MANTRA codes and real statuses', async () => {
    const cases: [string, Record<string, string>, number, number][] = [
      [`${base}/penduduk_by_nik?nik=3201000000000042`, {}, 401, 10001],
      [`${base}/penduduk_by_nik?nik=3201000000000042`, { 'X-API-Key': 'wrongkey00' }, 403, 10002],
      [`${base}/no_such_op?nik=1`, { 'X-API-Key': KEY }, 404, 10002],
      [`${base}/penduduk_by_nik`, { 'X-API-Key': KEY }, 400, 10005],
      [`${base}/penduduk_by_nik?nik=1&nama=x`, { 'X-API-Key': KEY }, 400, 10005],
      [`${base}/penduduk_by_nik?nik=1&format=docx`, { 'X-API-Key': KEY }, 406, 10028],
      [`${base}/cari?nama=P&wilayah=abc`, { 'X-API-Key': KEY }, 400, 10005],
    ];
    for (const [path, headers, status, code] of cases) {
      const res = await get(path, headers);
      assert.equal(res.status, status, path);
      assert.match(res.headers.get('content-type')!, /^application\/problem\+json/);
      const body = await res.json();
      assert.equal(body.code, code, path);
      assert.equal(body.status, status);
      assert.ok(body.detail.length > 0);
    }
    const missing = await (await get(`${base}/penduduk_by_nik`, { 'X-API-Key': KEY, 'Accept-Language': 'en' })).json();
    assert.equal(missing.detail, 'Parameter "nik" is required');
  });

  test('empty result is an empty list; injection strings are bound, not executed', async () => {
    for (const nik of ["' OR 1=1 --", '3201999999999999', "1'; drop table penduduk; --"]) {
      const res = await get(`${base}/penduduk_by_nik?nik=${encodeURIComponent(nik)}`, { 'X-API-Key': KEY });
      assert.equal(res.status, 200);
      assert.deepEqual((await res.json()).data, []);
    }
    const still = await get(`${base}/penduduk_by_nik?nik=3201000000000042`, { 'X-API-Key': KEY });
    assert.equal((await still.json()).data.length, 1);
  });

  test('paging with limit/offset and the cursor; the caller cannot exceed the operation limit', async () => {
    const page = await (await get(`${base}/penduduk_list?limit=10&offset=5`, { 'X-API-Key': LIST })).json();
    assert.deepEqual(page.data.map((r: any) => r.nik.slice(-2)), ['06', '07', '08', '09', '10', '11', '12', '13', '14', '15']);
    assert.ok(page.meta.nextCursor);
    const next = await (await get(`${base}/penduduk_list?limit=10&cursor=${page.meta.nextCursor}`, { 'X-API-Key': LIST })).json();
    assert.equal(next.data[0].nik, '3201000000000016');
    const big = await (await get(`${base}/penduduk_list?limit=5000`, { 'X-API-Key': LIST })).json();
    assert.equal(big.data.length, 100);
    const bad = await get(`${base}/penduduk_list?cursor=zzz`, { 'X-API-Key': LIST });
    assert.equal(bad.status, 400);
  });

  test('a forged cursor is refused as ?offset= is: 400 / 10005, whatever offset it carries', async () => {
    for (const offset of [1e20, Number.MAX_SAFE_INTEGER + 2, 1e9, -1, 1.5]) {
      const res = await get(`${base}/penduduk_list?cursor=${encodeCursor(offset)}`, { 'X-API-Key': LIST });
      assert.equal(res.status, 400, String(offset));
      assert.equal((await res.json()).code, 10005);
    }
    const tooFar = await get(`${base}/penduduk_list?offset=1000000000`, { 'X-API-Key': LIST });
    assert.equal(tooFar.status, 400);
    const last = await get(`${base}/penduduk_list?cursor=${encodeCursor(999_999_999)}`, { 'X-API-Key': LIST });
    assert.equal(last.status, 200);
    assert.deepEqual((await last.json()).data, []);
  });

  test('a NUL byte in a parameter is the caller\'s error: 400 / 10005, and the envelope with 10005', async () => {
    const query = await get(`${base}/cari?nama=Penduduk%00`, { 'X-API-Key': KEY });
    assert.equal(query.status, 400);
    assert.equal((await query.json()).code, 10005);
    const json = await t.app.request(`${base}/cari`, {
      method: 'POST', headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json' }, body: JSON.stringify({ nama: 'Penduduk\u0000' }),
    });
    assert.equal(json.status, 400);
    assert.equal((await json.json()).code, 10005);
    for (const path of ['/json/dukcapil/kependudukan/cari?nama=%00', '/json/dukcapil/kependudukan/cari/nama=Penduduk%00']) {
      const compat = await get(path, { AccessKey: KEY });
      assert.equal(compat.status, 200);
      const { response } = JSON.parse(await compat.text());
      assert.equal(response.status, 0, path);
      assert.equal(response.code, 10005, path);
    }
  });

  test('POST with a JSON body; SQL form with named parameters', async () => {
    const res = await t.app.request(`${base}/cari`, {
      method: 'POST', headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ nama: 'Penduduk 999', wilayah: 3201049 }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).data.map((r: any) => r.nama), ['Penduduk 999', 'Penduduk 9999']);
    const narrowed = await t.app.request(`${base}/cari`, {
      method: 'POST', headers: { 'X-API-Key': KEY, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'nama=Penduduk+4&wilayah=3201042',
    });
    const expected = pendudukRows().filter((r) => r[1].startsWith('Penduduk 4') && r[5] === '3201042').map((r) => r[0]).sort();
    assert.ok(expected.length > 1);
    assert.deepEqual((await narrowed.json()).data.map((r: any) => r.nik), expected);
  });

  test('every call leaves a track, with parameter values redacted', async () => {
    await t.tracker.flush();
    const tracks = await t.store.tracks({ limit: 1000 });
    assert.ok(tracks.length >= 10);
    const last = tracks.at(-1)!;
    assert.equal(last.interface, 'v1');
    const values = tracks.flatMap((r) => Object.values(r.params ?? {}));
    assert.ok(values.length > 0 && values.every((v) => /^k:[\w-]{22}$/.test(v)), 'parameter values kept only as keyed hashes');
    assert.ok(tracks.some((r) => r.code === 10001 && r.status === 401));
  });
});
