/**
 * POST /oauth2/token over HTTP against a running server: client credentials by form body or HTTP Basic, RFC 6749
 * errors, scopes, and the token accepted by v1 (Bearer) and the compatible paths (AccessKey); each request tracked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runtime, type Server } from '../../src/runtime/index.ts';
import { withRequestId } from '../../src/app-env.ts';
import { needService } from '../support/services.ts';
import { pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { setupDukcapil } from '../support/dukcapil.ts';
import { APP_KEY, BY_NIK_OP, CLIENT, LIST_KEY, LIST_OP, SUB_KEY, setupBank } from '../support/credentials.ts';

const skip = await needService('PostgreSQL', pgUrl);
const form = 'application/x-www-form-urlencoded';

describe('OAuth2 token endpoint', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let server: Server;
  let base: string;

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/oauth2/token`, { method: 'POST', headers: { 'content-type': form, ...headers }, body });
  const params = (p: Record<string, string>) => new URLSearchParams(p).toString();
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

  async function tokenOf(secret: string, scope?: string) {
    const res = await post(params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: secret, ...(scope ? { scope } : {}) }));
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
  }

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    await setupBank(t);
    server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: withRequestId((req, env) => t.fetch(req, env)) });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server?.stop();
    await t?.close();
  });

  test('the application key gets a Bearer token for every active subscription; v1 and the compatible path take it', async () => {
    const res = await post(params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: APP_KEY }));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    const body = await res.json();
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 600);
    assert.deepEqual(body.scope.split(' ').sort(), [BY_NIK_OP, LIST_OP]);
    const [header] = body.access_token.split('.');
    assert.deepEqual({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), kid: 'k' }, { alg: 'Ed25519', typ: 'at+jwt', kid: 'k' });

    const v1 = await fetch(`${base}/v1/dukcapil/kependudukan/penduduk_by_nik?nik=3201000000000042`, { headers: { authorization: `Bearer ${body.access_token}` } });
    assert.equal(v1.status, 200);
    assert.equal((await v1.json()).data[0].nik, '3201000000000042');
    const list = await fetch(`${base}/v1/dukcapil/kependudukan/penduduk_list?limit=2`, { headers: { authorization: `Bearer ${body.access_token}` } });
    assert.equal(list.status, 200);
    const compat = await fetch(`${base}/json/dukcapil/kependudukan/penduduk_by_nik/nik=3201000000000042`, { headers: { AccessKey: body.access_token } });
    assert.equal(JSON.parse(await compat.text()).response.status, 1);
  });

  test('HTTP Basic client authentication works alike', async () => {
    const res = await post(params({ grant_type: 'client_credentials' }), { authorization: basic(CLIENT, APP_KEY) });
    assert.equal(res.status, 200);
    assert.ok((await res.json()).access_token);
  });

  test('a scope narrows the token: an operation outside it is refused 403 / 10002', async () => {
    const { access_token, scope } = await tokenOf(APP_KEY, BY_NIK_OP);
    assert.equal(scope, BY_NIK_OP);
    const ok = await fetch(`${base}/v1/dukcapil/kependudukan/penduduk_by_nik?nik=3201000000000042`, { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(ok.status, 200);
    const out = await fetch(`${base}/v1/dukcapil/kependudukan/penduduk_list`, { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(out.status, 403);
    assert.equal((await out.json()).code, 10002);
  });

  test('a subscription key gets a token for its own subscription only', async () => {
    const { access_token, scope } = await tokenOf(SUB_KEY);
    assert.equal(scope, BY_NIK_OP);
    const out = await fetch(`${base}/v1/dukcapil/kependudukan/penduduk_list`, { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(out.status, 403);
    assert.equal((await tokenOf(LIST_KEY)).scope, LIST_OP);
  });

  test('RFC 6749 errors: JSON with error and error_description, in the caller\'s language', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      [params({ grant_type: 'password', client_id: CLIENT, client_secret: APP_KEY }), {}, 400, 'unsupported_grant_type'],
      [params({ client_id: CLIENT, client_secret: APP_KEY }), {}, 400, 'invalid_request'],
      [`grant_type=client_credentials&grant_type=client_credentials&client_id=${CLIENT}&client_secret=${APP_KEY}`, {}, 400, 'invalid_request'],
      [params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: APP_KEY }), { 'content-type': 'application/json' }, 400, 'invalid_request'],
      [params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: 'wrong-secret' }), {}, 401, 'invalid_client'],
      [params({ grant_type: 'client_credentials', client_id: 'bank/nobody', client_secret: APP_KEY }), {}, 401, 'invalid_client'],
      [params({ grant_type: 'client_credentials', client_id: CLIENT }), {}, 401, 'invalid_client'],
      [params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: APP_KEY, scope: 'dukcapil/kependudukan/nope' }), {}, 400, 'invalid_scope'],
      [params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: SUB_KEY, scope: LIST_OP }), {}, 400, 'invalid_scope'],
      [params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: APP_KEY }), { authorization: basic(CLIENT, APP_KEY) }, 400, 'invalid_request'],
      ['x'.repeat(20_000), {}, 400, 'invalid_request'],
    ];
    for (const [body, headers, status, error] of cases) {
      const res = await post(body, headers);
      assert.equal(res.status, status, `${error}: ${body.slice(0, 80)}`);
      const json = await res.json();
      assert.equal(json.error, error, body.slice(0, 80));
      assert.equal(typeof json.error_description, 'string');
      if (status === 401) assert.match(res.headers.get('www-authenticate')!, /^Basic/);
    }
    const en = await post(params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: 'x' }), { 'accept-language': 'en' });
    assert.equal((await en.json()).error_description, 'Unknown client or wrong client secret');
    const get = await fetch(`${base}/oauth2/token`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  test('an unknown client and a wrong secret are told apart by nothing', async () => {
    const a = await post(params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: 'guess-1' }));
    const b = await post(params({ grant_type: 'client_credentials', client_id: 'bank/ghost', client_secret: 'guess-1' }));
    assert.equal(a.status, b.status);
    assert.deepEqual(await a.json(), await b.json());
  });

  test('every token request is tracked as interface oauth, refused ones too, without the secret', async () => {
    await post(params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: 'nope' }), { 'x-request-id': 'oauth-refused-1' });
    await post(params({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: APP_KEY }), { 'x-request-id': 'oauth-issued-1' });
    await t.tracker.flush();
    const tracks = await t.store.tracks({ limit: 100_000 });
    const refused = tracks.find((r) => r.requestId === 'oauth-refused-1')!;
    const issued = tracks.find((r) => r.requestId === 'oauth-issued-1')!;
    assert.equal(refused.interface, 'oauth');
    assert.equal(refused.status, 401);
    assert.equal(refused.note, 'invalid_client');
    assert.equal(refused.consumer, undefined);
    assert.equal(refused.remote, '127.0.0.1');
    assert.equal(issued.status, 200);
    assert.equal(issued.consumer, CLIENT);
    assert.match(issued.note!, /^issued [0-9a-f-]{36}$/);
    // Names only (the trail may keep them as a list or as a map of name to what is kept of the value).
    const names = (p: unknown) => (typeof p === 'string' ? p.split(',') : Object.keys(p as object));
    assert.deepEqual(names(issued.params), ['grant_type', 'client_id', 'client_secret']);
    if (typeof issued.params === 'object') assert.deepEqual(Object.values(issued.params as object), ['-', '-', '-'], 'no value kept');
    assert.ok(!JSON.stringify([refused, issued]).includes(APP_KEY));
  });

  test('the signing key is published as a JWKS', async () => {
    const res = await fetch(`${base}/oauth2/jwks`);
    const { keys } = await res.json();
    assert.equal(keys.length, 1);
    assert.deepEqual([keys[0].kty, keys[0].crv, keys[0].alg, keys[0].use], ['OKP', 'Ed25519', 'Ed25519', 'sig']);
    assert.equal(keys[0].d, undefined, 'never the private part');
  });
});
