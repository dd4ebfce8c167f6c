/**
 * Personal data (UU 27/2022): a subscription's hidden and masked fields on every kind of operation — data rows, a
 * proxy's records nested at any depth (a Mantra behind Mantra, a REST backend), a JSONata answer — and verification
 * mode, on the operation or the subscription, answering only "cocok" / "tidak cocok" in every format and interface.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, setupDukcapil } from '../support/dukcapil.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';

const skip = await needService('PostgreSQL', pgUrl);
const NIK = '3201000000000042', MASKED = '3201********0042';
const RECORD = { nik: NIK, nama: 'Penduduk 42', alamat: 'Jl. Merdeka No. 43, RT 13/RW 07' };

/** A REST backend answering one resident with nested records, or nobody. */
function backendReply(nik: string | null) {
  if (nik !== NIK) return { penduduk: [], total: 0 };
  return {
    penduduk: [{
      nik, nama: 'Penduduk 42',
      alamat: { jalan: 'Jl. Merdeka No. 43', kota: 'Bogor' },
      keluarga: [{ nik: '3201000000000043', nama: 'Anak 42', hubungan: 'anak' }],
    }],
    total: 1,
  };
}

describe('personal data', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let self: Server, backend: Server;

  const get = (path: string, key: string, headers: Record<string, string> = {}) =>
    t.app.fetch(new Request(`http://mantra.test${path}`, { headers: { AccessKey: key, ...headers } }), { requestId: crypto.randomUUID(), remoteAddress: '127.0.0.1' });
  const json = async (path: string, key: string, headers: Record<string, string> = {}) => JSON.parse(await (await get(path, key, headers)).text());

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    self = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: (req, info) => t.app.fetch(req, info) });
    backend = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: (req) => Response.json(backendReply(new URL(req.url).searchParams.get('nik'))) });
    // Both backends run on this machine: an administrator's allowance.
    await t.put('settings', { internalBackends: ['127.0.0.1'] });
    await t.put('agency', { slug: 'hub', name: 'GSB' });
    await t.put('service', { agency: 'hub', slug: 'kependudukan' });
    // A Mantra (this one) behind a proxy operation, and a REST backend with nested records.
    await t.put('operation', {
      agency: 'hub', service: 'kependudukan', slug: 'federated', kind: 'proxy', params: [{ name: 'nik' }],
      proxy: { style: 'rest', endpoint: `http://127.0.0.1:${self.port}/json/dukcapil/kependudukan`, method: 'penduduk_by_nik', auth: { type: 'mantra', accessKey: t.secrets.encrypt(BY_NIK) } },
    });
    await t.put('operation', {
      agency: 'hub', service: 'kependudukan', slug: 'nested', kind: 'proxy', params: [{ name: 'nik' }],
      proxy: { style: 'get', endpoint: `http://127.0.0.1:${backend.port}`, method: 'penduduk', timeoutMs: 2000 },
    });
    await t.put('operation', {
      agency: 'hub', service: 'kependudukan', slug: 'summary', kind: 'proxy', params: [{ name: 'nik' }],
      proxy: { style: 'get', endpoint: `http://127.0.0.1:${backend.port}`, method: 'penduduk', timeoutMs: 2000 },
      shape: { jsonata: '{"id": penduduk[0].nik, "nik": penduduk[0].nik, "kota": penduduk[0].alamat.kota}' },
    });
    // Verification by the operation itself: do this NIK and this name belong together?
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'verifikasi_penduduk', kind: 'data', verify: true,
      params: [{ name: 'nik' }, { name: 'nama' }],
      data: {
        form: 'table', connector: 'pg', table: 'penduduk', columns: ['nik', 'nama', 'alamat'],
        conditions: [{ column: 'nik', op: '=', param: 'nik' }, { column: 'nama', op: '=', param: 'nama' }],
      },
    });
    const rules = { hideFields: ['alamat'], maskFields: ['nik'] };
    await t.subscribe('rules-by-nik', 'dukcapil', 'kependudukan', 'penduduk_by_nik', { id: 'rules-by-nik', ...rules });
    for (const op of ['federated', 'nested', 'summary']) {
      await t.subscribe(`rules-${op}`, 'hub', 'kependudukan', op, { id: `rules-${op}`, ...rules });
      await t.subscribe(`plain-${op}`, 'hub', 'kependudukan', op, { id: `plain-${op}` });
      await t.subscribe(`check-${op}`, 'hub', 'kependudukan', op, { id: `check-${op}`, verify: true });
    }
    await t.subscribe('mask-nested', 'hub', 'kependudukan', 'nested', { id: 'mask-nested', maskFields: ['alamat'] });
    await t.subscribe('verifier-all', 'dukcapil', 'kependudukan', 'verifikasi_penduduk', { id: 'verifier-all' });
    await t.subscribe('check-by-nik', 'dukcapil', 'kependudukan', 'penduduk_by_nik', { id: 'check-by-nik', verify: true });
  });
  after(async () => {
    await self?.stop();
    await backend?.stop();
    await t?.close();
  });

  test('data rows: the NIK masked as 3201********0042 and alamat hidden, on both paths and in a CSV stream', async () => {
    const v1 = await json(`/v1/dukcapil/kependudukan/penduduk_by_nik?nik=${NIK}`, 'rules-by-nik');
    assert.equal(v1.data[0].nik, MASKED);
    assert.equal(v1.data[0].nama, 'Penduduk 42');
    assert.equal('alamat' in v1.data[0], false);
    const compat = await json(`/json/dukcapil/kependudukan/penduduk_by_nik/nik=${NIK}`, 'rules-by-nik');
    assert.equal(compat.response.data.penduduk_by_nik['0'].nik, MASKED);
    const csv = await (await get(`/v1/dukcapil/kependudukan/penduduk_by_nik.csv?nik=${NIK}`, 'rules-by-nik')).text();
    assert.ok(csv.includes(MASKED) && !csv.includes(NIK) && !csv.includes('Merdeka'), csv);
  });

  test('a Mantra behind a proxy: the records under the operation name are masked and hidden too', async () => {
    const plain = await json(`/json/hub/kependudukan/federated/nik=${NIK}`, 'plain-federated');
    assert.equal(plain.response.data.penduduk_by_nik['0'].nik, NIK);
    const ruled = await json(`/json/hub/kependudukan/federated/nik=${NIK}`, 'rules-federated');
    assert.deepEqual(ruled.response.data.penduduk_by_nik['0'], { nik: MASKED, nama: 'Penduduk 42', tgl_lahir: '1954-04-04', jenis_kelamin: 'P', kode_wilayah: '3201042' });
    const v1 = await json(`/v1/hub/kependudukan/federated?nik=${NIK}`, 'rules-federated');
    assert.equal(v1.data.penduduk_by_nik[0].nik, MASKED);
    const xml = await (await get(`/xml/hub/kependudukan/federated/nik=${NIK}`, 'rules-federated')).text();
    assert.ok(xml.includes(`<nik>${MASKED}</nik>`) && !xml.includes(NIK) && !xml.includes('Merdeka'), xml);
  });

  test('a REST backend\'s nested records: every nik at any depth masked, alamat gone wherever it stands', async () => {
    const { data } = await json(`/v1/hub/kependudukan/nested?nik=${NIK}`, 'rules-nested');
    assert.deepEqual(data, {
      penduduk: [{ nik: MASKED, nama: 'Penduduk 42', keluarga: [{ nik: '3201********0043', nama: 'Anak 42', hubungan: 'anak' }] }],
      total: 1,
    });
  });

  test('a masked field that holds a record has every value in it masked', async () => {
    const { data } = await json(`/v1/hub/kependudukan/nested?nik=${NIK}`, 'mask-nested');
    assert.deepEqual(data.penduduk[0].alamat, { jalan: 'Jl. **********. 43', kota: '*****' });
  });

  test('a JSONata answer sees the rules applied, and is checked again: a copied NIK stays masked', async () => {
    const { data } = await json(`/v1/hub/kependudukan/summary?nik=${NIK}`, 'rules-summary');
    assert.deepEqual(data, { id: MASKED, nik: MASKED });
    const plain = await json(`/v1/hub/kependudukan/summary?nik=${NIK}`, 'plain-summary');
    assert.deepEqual(plain.data, { id: NIK, nik: NIK, kota: 'Bogor' });
  });

  test('verification by the operation: "cocok" / "tidak cocok", never the record, in every format of both paths', async () => {
    const right = `nik=${NIK}&nama=Penduduk%2042`, wrong = `nik=${NIK}&nama=Orang%20Lain`;
    const yes = await json(`/json/dukcapil/kependudukan/verifikasi_penduduk/${right}`, 'verifier-all');
    assert.deepEqual(yes.response, { status: 1, code: 200, message: 'OK', data: { verifikasi_penduduk: { 0: { match: true, result: 'cocok' } } } });
    const no = await json(`/json/dukcapil/kependudukan/verifikasi_penduduk/${wrong}`, 'verifier-all');
    assert.deepEqual(no.response.data, { verifikasi_penduduk: { 0: { match: false, result: 'tidak cocok' } } }, 'not 10012');
    const v1 = await json(`/v1/dukcapil/kependudukan/verifikasi_penduduk?${right}`, 'verifier-all');
    assert.deepEqual(v1.data, [{ match: true, result: 'cocok' }]);
    const en = await json(`/v1/dukcapil/kependudukan/verifikasi_penduduk?${wrong}`, 'verifier-all', { 'accept-language': 'en' });
    assert.deepEqual(en.data, [{ match: false, result: 'no match' }]);
    for (const path of ['/xml', '/api', '/php', '/csv']) {
      const body = await (await get(`${path}/dukcapil/kependudukan/verifikasi_penduduk/${right}`, 'verifier-all')).text();
      assert.ok(body.includes('cocok'), `${path}: ${body}`);
      assert.ok(!body.includes('Merdeka') && !body.includes('Penduduk 42') && !body.includes(NIK), `${path} shows no record: ${body}`);
    }
    const csv = await (await get(`/v1/dukcapil/kependudukan/verifikasi_penduduk.csv?${right}`, 'verifier-all')).text();
    assert.equal(csv.trim(), 'match,result\ntrue,cocok'.replace('\n', csv.includes('\r\n') ? '\r\n' : '\n'));
  });

  test('verification by the subscription: the same operation answers the record to one and only a verdict to another', async () => {
    const full = await json(`/v1/dukcapil/kependudukan/penduduk_by_nik?nik=${NIK}`, BY_NIK);
    assert.equal(full.data[0].alamat, RECORD.alamat);
    const verdict = await json(`/v1/dukcapil/kependudukan/penduduk_by_nik?nik=${NIK}`, 'check-by-nik');
    assert.deepEqual(verdict.data, [{ match: true, result: 'cocok' }]);
    const none = await json('/json/dukcapil/kependudukan/penduduk_by_nik/nik=3201999999999999', 'check-by-nik');
    assert.deepEqual(none.response.data, { penduduk_by_nik: { 0: { match: false, result: 'tidak cocok' } } });
  });

  test('verification of proxy answers: a record is "cocok"; an empty list, or a backend Mantra\'s 10012, is "tidak cocok"', async () => {
    for (const op of ['federated', 'nested']) {
      const yes = await json(`/v1/hub/kependudukan/${op}?nik=${NIK}`, `check-${op}`);
      assert.deepEqual(yes.data, [{ match: true, result: 'cocok' }], op);
      const no = await json(`/json/hub/kependudukan/${op}/nik=3201999999999999`, `check-${op}`);
      assert.deepEqual(no.response.data, { [op]: { 0: { match: false, result: 'tidak cocok' } } }, op);
    }
  });

  test('a verification is tracked as a successful call of its subscription', async () => {
    const requestId = 'verify-track-1';
    await t.app.fetch(new Request(`http://mantra.test/v1/dukcapil/kependudukan/penduduk_by_nik?nik=${NIK}`, { headers: { AccessKey: 'check-by-nik' } }), { requestId, remoteAddress: '127.0.0.1' });
    await t.tracker.flush();
    const track = (await t.store.tracks({ limit: 100_000 })).find((r) => r.requestId === requestId)!;
    assert.deepEqual([track.status, track.code, track.subscription, track.rows], [200, 200, 'check-by-nik', 1]);
  });

  test('the OpenAPI document describes the verdict of a verification operation, and the OAuth2 token endpoint', async () => {
    const doc = await (await t.app.request('/catalogue/dukcapil/kependudukan/openapi.json')).json();
    const ok = doc.paths['/v1/dukcapil/kependudukan/verifikasi_penduduk'].get.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(ok.properties.data.items.properties), ['match', 'result']);
    const flow = doc.components.securitySchemes.oauth2.flows.clientCredentials;
    assert.equal(flow.tokenUrl, '/oauth2/token');
    assert.ok('dukcapil/kependudukan/penduduk_by_nik' in flow.scopes);
  });

  test('verification mode is refused on an operation that writes', async () => {
    await assert.rejects(t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'hapus', kind: 'data', verify: true,
      data: { form: 'sql', connector: 'pg', sql: 'delete from penduduk where false', write: true },
    }), /verification mode is for operations that read/);
  });
});
