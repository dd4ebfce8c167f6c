/**
 * The dry run of a saved composite through the whole app (admin API over the gateway's registry): sample
 * parameters, every step's input and output, statuses and errors in the reader's language, a failed call laid open
 * step by step, and the inner calls tracked as real calls (interface composite, the user, the admin request's id).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { type Backends, setupComposites, startBackends } from '../support/composites.ts';
import { openSession } from '../../src/admin-api/session.ts';
import { passwordHash } from '../admin-api/support.ts';

const skip = await needService('PostgreSQL', pgUrl);

describe('composite operations: the dry run', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>, b: Backends, token: string;
  let n = 0;

  async function dryRun(slug: string, params: Record<string, string> = {}, lang = 'id') {
    const requestId = `uji-${++n}`;
    const res = await t.app.request(`/admin/api/operations/dukcapil/kependudukan/${slug}/dry-run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': lang },
      body: JSON.stringify({ params }),
    }, { requestId, remoteAddress: '192.0.2.8' });
    return { status: res.status, body: await res.json(), requestId };
  }

  before(async () => {
    t = await testApp({ workers: 0 });
    b = await startBackends();
    await setupComposites(t, await loadPendudukPg(), b);
    await t.put('user', { username: 'penyusun', role: 'publisher', agency: 'dukcapil', passwordHash: await passwordHash(), mustChangePassword: false });
    token = (await openSession(t.store, 'penyusun')).token;
  });
  after(async () => {
    await b?.stop();
    await t?.close();
  });

  test('every step\'s input and output, and the answer', async () => {
    const { status, body } = await dryRun('profil', { nik: '3201000000000042' });
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.data, { nik: '3201000000000042', nama: 'Penduduk 42', wilayah: 'Wilayah 3201042', nikDicari: '3201000000000042' });
    assert.equal(body.complete, true);
    const [penduduk, wilayah] = body.steps;
    assert.deepEqual([penduduk.name, penduduk.operation, penduduk.status, penduduk.input], ['penduduk', 'dukcapil/kependudukan/penduduk_by_nik', 'ok', { nik: '3201000000000042' }]);
    assert.equal(penduduk.output.length, 1);
    assert.equal(penduduk.output[0].nama, 'Penduduk 42');
    assert.deepEqual([wilayah.status, wilayah.input, wilayah.output], ['ok', { kode: '3201042' }, { kode: '3201042', nama: 'Wilayah 3201042' }]);
    assert.ok(wilayah.startMs >= penduduk.startMs + penduduk.ms);
  });

  test('statuses, codes and errors of failed steps, in the reader\'s language', async () => {
    const { body } = await dryRun('sebagian', {}, 'en');
    const seen = Object.fromEntries(body.steps.map((s: { name: string; status: string; code?: number; error?: string }) => [s.name, [s.status, s.code, s.error]]));
    assert.deepEqual(seen, {
      cepat: ['ok', undefined, undefined],
      mati: ['omitted', 10020, 'The data source is unavailable'],
      lama: ['default', 10021, 'The operation timed out'],
      lanjut: ['ok', undefined, undefined],
      yatim: ['omitted', 10044, 'the step it waits for, "mati", failed'],
    });
    assert.deepEqual(body.steps.find((s: { name: string }) => s.name === 'lanjut').input, { tag: 'cadangan-lanjut', ms: '10' });
  });

  test('a call that fails is laid open: the failed step, the cancelled one, the error', async () => {
    const { status, body } = await dryRun('gagal');
    assert.equal(status, 200);
    assert.deepEqual(body.error, { code: 10020, message: 'Langkah "mati" gagal: Sumber data tidak dapat dihubungi' });
    assert.deepEqual(body.steps.map((s: { name: string; status: string; code?: number }) => [s.name, s.status, s.code]), [['lama', 'cancelled', 10031], ['mati', 'failed', 10020]]);
    assert.equal('data' in body, false);
  });

  test('its inner calls are tracked: interface composite, the user, the admin request\'s id', async () => {
    const { requestId } = await dryRun('profil', { nik: '3201000000000042' });
    await t.tracker.flush();
    const tracks = (await t.store.tracks({ limit: 100_000 })).filter((r) => r.requestId === requestId);
    assert.deepEqual(tracks.map((r) => [r.interface, r.operation, r.consumer]), [
      ['composite', 'penduduk_by_nik', 'penyusun'], ['composite', 'wilayah', 'penyusun'],
      ['admin', 'POST /operations/dukcapil/kependudukan/profil/dry-run', 'penyusun'],
    ]);
    assert.equal(tracks[0].note, 'step penduduk of dukcapil/kependudukan/profil (dry run)');
  });

  test('refusals: a bad sample value, an operation that is not a composite, one that does not exist, another agency', async () => {
    const bad = await dryRun('profil', { nik: '12' }, 'en');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues, [{ path: 'params.nik', message: 'Parameter "nik" is invalid: tidak sesuai pola' }]);
    const data = await dryRun('penduduk_by_nik', { nik: '3201000000000042' });
    assert.deepEqual([data.status, data.body.error], [400, 'composite_not_composite']);
    assert.equal((await dryRun('tidak_ada')).status, 404);
    await t.put('user', { username: 'lain', role: 'publisher', agency: 'lain', passwordHash: await passwordHash(), mustChangePassword: false });
    const other = (await openSession(t.store, 'lain')).token;
    const res = await t.app.request('/admin/api/operations/dukcapil/kependudukan/profil/dry-run', {
      method: 'POST', headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' }, body: '{"params":{}}',
    });
    assert.equal(res.status, 403);
  });
});
