/**
 * Bad tokens at the gateway: expired, tampered, `alg: none`, signed by another key or as HMAC with the public key,
 * and genuine tokens replayed after their subscription was revoked, their consumer removed or their key replaced.
 * Each is refused with MANTRA's code on the compatible path and 401/403 on v1, and tracked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair, SignJWT } from 'jose';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { setupDukcapil } from '../support/dukcapil.ts';
import { APP_KEY, BY_NIK_OP, CLIENT, SUB_KEY, patchSubscription, setupBank } from '../support/credentials.ts';
import { AccessTokens } from '../../src/security/tokens.ts';
import { openSigningKey } from '../../src/security/signing-key.ts';

const skip = await needService('PostgreSQL', pgUrl);
const v1 = '/v1/dukcapil/kependudukan/penduduk_by_nik?nik=3201000000000042';
const compat = '/json/dukcapil/kependudukan/penduduk_by_nik/nik=3201000000000042';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const partsOf = (token: string) => token.split('.');
const payloadOf = (token: string) => JSON.parse(Buffer.from(partsOf(token)[1], 'base64url').toString());

describe('tokens refused at the gateway', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let n = 0;

  /** A token from the app's own endpoint. */
  async function issued(secret = APP_KEY): Promise<string> {
    const res = await t.fetch(new Request('http://mantra.test/oauth2/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: secret }).toString(),
    }));
    assert.equal(res.status, 200);
    return (await res.json()).access_token;
  }

  /** Calls with the token on v1 (Bearer) and on the compatible path (AccessKey); returns both answers and tracks. */
  async function callBoth(token: string) {
    const ids = [`tok-${++n}-v1`, `tok-${n}-compat`];
    const rv1 = await t.fetch(new Request(`http://mantra.test${v1}`, { headers: { authorization: `Bearer ${token}` } }), { requestId: ids[0], remoteAddress: '10.0.0.1' });
    const rc = await t.fetch(new Request(`http://mantra.test${compat}`, { headers: { AccessKey: token } }), { requestId: ids[1], remoteAddress: '10.0.0.1' });
    const [bv1, bc] = [await rv1.json(), JSON.parse(await rc.text())];
    await t.tracker.flush();
    const tracks = await t.store.tracks({ limit: 100_000 });
    const [tv1, tc] = ids.map((id) => tracks.find((r) => r.requestId === id)!);
    return { rv1, bv1, rc, bc, tv1, tc };
  }

  async function assertRefused(token: string, status: number, code: number, detail?: RegExp) {
    const r = await callBoth(token);
    assert.equal(r.rv1.status, status);
    assert.equal(r.bv1.code, code);
    if (detail) assert.match(r.bv1.detail, detail);
    if (status === 401) assert.equal(r.rv1.headers.get('www-authenticate'), 'Bearer realm="mantra", error="invalid_token"');
    assert.equal(r.rc.status, 200);
    assert.deepEqual([r.bc.response.status, r.bc.response.code, r.bc.response.data], [0, code, '']);
    assert.deepEqual([r.tv1.status, r.tv1.code, r.tv1.interface], [status, code, 'v1']);
    assert.deepEqual([r.tc.status, r.tc.code, r.tc.interface], [status, code, 'compat']);
    return r;
  }

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    await setupBank(t);
  });
  after(() => t?.close());

  test('a genuine token is accepted, and its track names the subscription and consumer', async () => {
    const r = await callBoth(await issued());
    assert.equal(r.rv1.status, 200);
    assert.equal(r.bc.response.status, 1);
    assert.deepEqual([r.tv1.subscription, r.tv1.consumer, r.tv1.code], ['bank-by-nik', CLIENT, 200]);
  });

  test('expired: 401 / 10001 "kedaluwarsa"', async () => {
    const past = new AccessTokens(openSigningKey(t.dataDir, t.secrets), { now: () => Date.now() - 3_600_000 });
    const { token } = await past.issue({ consumer: CLIENT, via: 'app', keyHash: t.secrets.hashKey(APP_KEY) });
    await assertRefused(token, 401, 10001, /kedaluwarsa/);
  });

  test('tampered: a claim changed under the same signature', async () => {
    const [h, , s] = partsOf(await issued(SUB_KEY));
    const forged = { ...payloadOf(await issued(SUB_KEY)), scope: `${BY_NIK_OP} dukcapil/kependudukan/penduduk_list`, exp: 4_000_000_000 };
    await assertRefused(`${h}.${b64(forged)}.${s}`, 401, 10001, /tidak valid/);
    const [h2, p2] = partsOf(await issued());
    await assertRefused(`${h2}.${p2}.${'A'.repeat(86)}`, 401, 10001);
  });

  test('`alg: none`, unsigned', async () => {
    const payload = payloadOf(await issued());
    await assertRefused(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(payload)}.`, 401, 10001);
    await assertRefused(`${b64({ alg: 'none' })}.${b64(payload)}.`, 401, 10001);
  });

  test('signed by another key, or as HMAC with the published public key', async () => {
    const payload = payloadOf(await issued());
    const { privateKey } = await generateKeyPair('Ed25519');
    const other = await new SignJWT(payload).setProtectedHeader({ alg: 'Ed25519', typ: 'at+jwt' }).sign(privateKey);
    await assertRefused(other, 401, 10001);
    const jwk = (await t.tokens.jwks()).keys[0];
    const hmac = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(new TextEncoder().encode(JSON.stringify(jwk)));
    await assertRefused(hmac, 401, 10001);
    const { privateKey: es } = await generateKeyPair('ES256');
    await assertRefused(await new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).sign(es), 401, 10001);
  });

  test('replayed after the subscription is revoked: 403 / 10002; approved again, it works again', async () => {
    const token = await issued();
    assert.equal((await callBoth(token)).rv1.status, 200);
    await patchSubscription(t, 'bank-by-nik', { status: 'revoked' });
    try {
      await assertRefused(token, 403, 10002);
    } finally {
      await patchSubscription(t, 'bank-by-nik', { status: 'approved' });
    }
    assert.equal((await callBoth(token)).rv1.status, 200);
  });

  test('the subscription expired meanwhile: 403 / 10034', async () => {
    const token = await issued();
    await patchSubscription(t, 'bank-by-nik', { expiresAt: new Date(Date.now() - 1000).toISOString() });
    try {
      await assertRefused(token, 403, 10034, /berakhir/);
    } finally {
      const stored = (await t.store.get('subscription', 'bank-by-nik'))!;
      const { expiresAt: _, ...rest } = stored.body;
      await t.store.put('subscription', rest as never, stored.version);
    }
  });

  test('a new application key ends the tokens of the old one; a new subscription key those of its key', async () => {
    const byApp = await issued();
    const bySub = await issued(SUB_KEY);
    const consumer = (await t.store.get('consumer', CLIENT))!;
    await t.store.put('consumer', { ...consumer.body, keyHash: t.secrets.hashKey('another-app-key-0123456789abcdef') }, consumer.version);
    try {
      await assertRefused(byApp, 401, 10001, /tidak berlaku lagi/);
      assert.equal((await callBoth(bySub)).rv1.status, 200, 'a subscription key token does not hang on the app key');
      await patchSubscription(t, 'bank-by-nik', { keyHash: t.secrets.hashKey('another-sub-key-0123456789abcdef') });
      await assertRefused(bySub, 401, 10001, /tidak berlaku lagi/);
    } finally {
      const now = (await t.store.get('consumer', CLIENT))!;
      await t.store.put('consumer', { ...now.body, keyHash: consumer.body.keyHash }, now.version);
      await patchSubscription(t, 'bank-by-nik', { keyHash: t.secrets.hashKey(SUB_KEY) });
    }
  });

  test('the consumer removed: 401 / 10001', async () => {
    const token = await issued();
    const consumer = (await t.store.get('consumer', CLIENT))!;
    await t.store.remove('consumer', CLIENT);
    try {
      await assertRefused(token, 401, 10001);
    } finally {
      await t.store.put('consumer', consumer.body, 0);
    }
  });

  test('garbage that looks like a token, and English details on v1', async () => {
    await assertRefused('eyJhbGciOiJFZDI1NTE5In0.eyJ.x', 401, 10001);
    const res = await t.fetch(new Request(`http://mantra.test${v1}`, { headers: { authorization: 'Bearer eyJ.eyJ.x', 'accept-language': 'en' } }));
    assert.equal((await res.json()).detail, 'The access token is invalid');
  });
});
