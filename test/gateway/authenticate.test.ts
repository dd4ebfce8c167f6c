/**
 * Keys at the gateway: a consumer's application key reaches all its active subscriptions, in every header v1 reads
 * and in AccessKey; a wrong key, the key of another operation and a subscription that is not active get the same
 * answer; an expired subscription is 10034; the IP allowlist (IPv4 and IPv6 CIDR) is 10026. Each refusal is tracked,
 * and each call's track carries its subscription's purpose and legal basis.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { LIST, setupDukcapil } from '../support/dukcapil.ts';
import { APP_KEY, CLIENT, LIST_KEY, patchSubscription, setupBank, SUB_KEY } from '../support/credentials.ts';

const skip = await needService('PostgreSQL', pgUrl);
const byNik = 'dukcapil/kependudukan/penduduk_by_nik';
const v1 = `/v1/${byNik}?nik=3201000000000042`;
const compat = `/json/${byNik}/nik=3201000000000042`;

describe('keys at the gateway', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let n = 0;

  async function call(path: string, headers: Record<string, string>, remote = '127.0.0.1') {
    const requestId = `auth-${++n}`;
    const res = await t.app.fetch(new Request(`http://mantra.test${path}`, { headers }), { requestId, remoteAddress: remote });
    const body = await res.text();
    await t.tracker.flush();
    const track = (await t.store.tracks({ limit: 100_000 })).find((r) => r.requestId === requestId)!;
    return { res, body, track };
  }
  /** The answer without what differs on every call. */
  const sameness = (body: string) => body.replace(/"requestId":"[^"]*"/, '');

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    await setupBank(t);
  });
  after(() => t?.close());

  test('the application key reaches every active subscription of its consumer, in X-API-Key, Bearer and AccessKey', async () => {
    for (const headers of [{ 'X-API-Key': APP_KEY }, { authorization: `Bearer ${APP_KEY}` }, { AccessKey: APP_KEY }]) {
      const { res, track } = await call(v1, headers);
      assert.equal(res.status, 200, JSON.stringify(headers));
      assert.deepEqual([track.subscription, track.consumer], ['bank-by-nik', CLIENT]);
    }
    const list = await call('/v1/dukcapil/kependudukan/penduduk_list?limit=1', { 'X-API-Key': APP_KEY });
    assert.equal(list.res.status, 200);
    assert.equal(list.track.subscription, 'bank-list');
    const c = await call(compat, { AccessKey: APP_KEY });
    assert.equal(JSON.parse(c.body).response.status, 1);
  });

  test('a wrong key, the key of another operation, and an application key without that subscription: one answer', async () => {
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'penduduk_count', kind: 'data',
      data: { form: 'sql', connector: 'pg', sql: 'select count(*) as n from penduduk' },
    });
    const cases = [
      [v1, 'wrong-key-0000000000000000'], [v1, LIST], [v1, LIST_KEY], ['/v1/dukcapil/kependudukan/penduduk_count', APP_KEY],
    ];
    const v1Bodies = new Set<string>();
    for (const [path, key] of cases) {
      const { res, body, track } = await call(path, { 'X-API-Key': key });
      assert.equal(res.status, 403, `${path} ${key}`);
      v1Bodies.add(sameness(body));
      assert.deepEqual([track.status, track.code], [403, 10002]);
    }
    assert.equal(v1Bodies.size, 1, [...v1Bodies].join('\n'));
    const compatBodies = new Set<string>();
    for (const key of ['wrong-key-0000000000000000', LIST, LIST_KEY]) {
      const { body, track } = await call(compat, { AccessKey: key });
      compatBodies.add(body);
      assert.equal(track.code, 10002);
    }
    assert.equal(compatBodies.size, 1);
    assert.equal(JSON.parse([...compatBodies][0]).response.message, 'Fungsi operasi tidak terdaftar');
  });

  test('a subscription requested, rejected or revoked is no subscription at all: 10002, by key and by application key', async () => {
    for (const status of ['requested', 'rejected', 'revoked']) {
      await patchSubscription(t, 'bank-by-nik', { status });
      for (const key of [SUB_KEY, APP_KEY]) {
        const { res, track } = await call(v1, { 'X-API-Key': key });
        assert.equal(res.status, 403, `${status} ${key}`);
        assert.equal(track.code, 10002);
      }
    }
    await patchSubscription(t, 'bank-by-nik', { status: 'approved' });
  });

  test('expired, by expiresAt or by status: 10034 on both paths, tracked', async () => {
    for (const fields of [{ expiresAt: new Date(Date.now() - 60_000).toISOString() }, { status: 'expired' }]) {
      await patchSubscription(t, 'bank-by-nik', fields);
      const r = await call(v1, { 'X-API-Key': SUB_KEY });
      assert.equal(r.res.status, 403);
      assert.equal(JSON.parse(r.body).code, 10034);
      assert.deepEqual([r.track.status, r.track.code], [403, 10034]);
      const c = await call(compat, { AccessKey: APP_KEY });
      const envelope = JSON.parse(c.body).response;
      assert.deepEqual([envelope.status, envelope.code, envelope.message], [0, 10034, 'Masa berlaku langganan telah berakhir']);
      assert.equal(c.track.code, 10034);
    }
    await patchSubscription(t, 'bank-by-nik', { status: 'approved', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    assert.equal((await call(v1, { 'X-API-Key': SUB_KEY })).res.status, 200, 'an expiry still ahead lets it through');
  });

  test('IP allowlist: IPv4 and IPv6 CIDR ranges, IPv4-mapped callers; 10026 outside, tracked with the address', async () => {
    await patchSubscription(t, 'bank-by-nik', { ipAllowlist: ['10.20.0.0/16', '2001:db8:42::/48'] });
    const cases: [string, number][] = [
      ['10.20.3.4', 200], ['::ffff:10.20.3.4', 200], ['2001:db8:42::9', 200],
      ['10.21.0.1', 403], ['2001:db8:43::1', 403], ['127.0.0.1', 403],
    ];
    for (const [remote, status] of cases) {
      const { res, body, track } = await call(v1, { 'X-API-Key': APP_KEY }, remote);
      assert.equal(res.status, status, remote);
      if (status === 403) {
        assert.equal(JSON.parse(body).code, 10026);
        assert.deepEqual([track.code, track.remote], [10026, remote]);
      }
    }
    await patchSubscription(t, 'bank-by-nik', { ipAllowlist: [] });
  });

  test('the subscription a call runs under carries its purpose and legal basis into its track, by key, application key and token', async () => {
    const { token } = await t.tokens.issue({ consumer: CLIENT, via: 'app', keyHash: t.secrets.hashKey(APP_KEY) });
    for (const key of [SUB_KEY, APP_KEY, token]) {
      const { res, track } = await call(v1, { authorization: `Bearer ${key}` });
      assert.equal(res.status, 200);
      assert.deepEqual([track.subscription, track.purpose, track.legalBasis], ['bank-by-nik', 'Verifikasi nasabah', 'POJK 12/2017']);
    }
  });
});
