/**
 * One front door: what a caller interface refuses while reading a request (its body, format, page, the strict
 * gate) is refused inside the pipeline, so it is answered in the interface's own form and leaves a track with its
 * code, like every other refusal.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, setupDukcapil } from '../support/dukcapil.ts';

const skip = await needService('PostgreSQL', pgUrl);
const compat = '/json/dukcapil/kependudukan/penduduk_by_nik';
const v1 = '/v1/dukcapil/kependudukan/penduduk_by_nik';

describe('refusals while reading a request', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let n = 0;

  /** Sends a request with its own request id and returns the answer and that call's track. */
  async function call(path: string, init: RequestInit = {}) {
    const requestId = `refusal-${++n}`;
    const res = await t.app.fetch(new Request(`http://mantra.test${path}`, init), { requestId, remoteAddress: '127.0.0.1' });
    const body = await res.text();
    await t.tracker.flush();
    const track = (await t.store.tracks({ limit: 10_000 })).find((r) => r.requestId === requestId);
    assert.ok(track, `a track for ${init.method ?? 'GET'} ${path}`);
    return { res, body, track };
  }

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
  });
  after(() => t?.close());

  test('compatible path: an oversized form body is 10027 in the envelope, and tracked', async () => {
    const { res, body, track } = await call(compat, {
      method: 'POST', headers: { AccessKey: BY_NIK, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `nik=${'1'.repeat(2 * 1024 * 1024)}`,
    });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(body).response.code, 10027);
    assert.equal(track.code, 10027);
    assert.equal(track.interface, 'compat');
    assert.equal(track.operation, 'penduduk_by_nik');
  });

  test('compatible path: a malformed JSON body is 10005, and tracked', async () => {
    const { body, track } = await call(compat, {
      method: 'POST', headers: { AccessKey: BY_NIK, 'Content-Type': 'application/json' }, body: '{"nik": ',
    });
    assert.equal(JSON.parse(body).response.code, 10005);
    assert.equal(track.code, 10005);
  });

  test('compatible path: an unknown route is 10002, and tracked', async () => {
    const { body, track } = await call('/json/dukcapil/kependudukan', { headers: { AccessKey: BY_NIK } });
    assert.equal(JSON.parse(body).response.code, 10002);
    assert.equal(track.code, 10002);
  });

  test('compatible path: a missing key is 10001, and tracked', async () => {
    const { body, track } = await call(`${compat}/nik=3201000000000042`);
    assert.equal(JSON.parse(body).response.code, 10001);
    assert.equal(track.code, 10001);
  });

  test('REST v1: an unknown format is 406, a forged cursor and a bad offset 400, a broken body 400; each tracked', async () => {
    const headers = { 'X-API-Key': BY_NIK };
    const cases: [string, RequestInit, number, number][] = [
      [`${v1}?nik=3201000000000042&format=yaml`, { headers }, 406, 10028],
      [`${v1}?nik=3201000000000042&cursor=bm9wZQ`, { headers }, 400, 10005],
      [`${v1}?nik=3201000000000042&offset=-1`, { headers }, 400, 10005],
      [v1, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: '[1,2]' }, 400, 10005],
      [v1, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) }, 413, 10027],
    ];
    for (const [path, init, status, code] of cases) {
      const { res, body, track } = await call(path, init);
      assert.equal(res.status, status, path);
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8', path);
      assert.equal(JSON.parse(body).code, code, path);
      assert.equal(track.status, status, path);
      assert.equal(track.code, code, path);
      assert.equal(track.interface, 'v1', path);
    }
  });

  test('strict compatibility: a caller that is not MANTRA gets the original\'s empty body, and a track', async () => {
    await t.put('settings', { strictCompat: true });
    try {
      const { res, body, track } = await call(`${compat}/nik=3201000000000042`, { headers: { AccessKey: BY_NIK, 'User-Agent': 'curl/8' } });
      assert.equal(res.status, 200);
      assert.equal(body, '');
      assert.equal(track.code, 10033);
      const mantra = await call(`${compat}/nik=3201000000000042`, { headers: { AccessKey: BY_NIK, 'User-Agent': 'MANTRA' } });
      assert.equal(JSON.parse(mantra.body).response.status, 1);
    } finally {
      await t.put('settings', { strictCompat: false });
    }
  });
});
