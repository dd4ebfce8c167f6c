import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tokenHash } from '../../src/admin-api/session.ts';
import { Subscription } from '../../src/model/subscription.ts';
import { type Harness, harness, PASSWORD, seed } from './support.ts';

/** Bad input against sessions and roles: forged or replayed cookies, CSRF, escalation; all refused and tracked. */
describe('admin api: forged and replayed sessions, CSRF, role escalation', () => {
  let h: Harness;
  let admin: string, requesterB: string, providerA: string, requesterC: string;
  let subId = '';
  before(async () => {
    h = harness();
    admin = await h.user('root', 'administrator');
    await seed(h, admin);
    await h.call('POST', '/agencies', { token: admin, json: { slug: 'c', name: 'C' } });
    await h.call('POST', '/consumers', { token: admin, json: { agency: 'c', slug: 'app' } });
    requesterB = await h.user('citra', 'requester', { agency: 'b' });
    requesterC = await h.user('cahya', 'requester', { agency: 'c' });
    providerA = await h.user('ani', 'provider', { agency: 'a' });
    await h.user('eko', 'publisher', { agency: 'a' });
    subId = 'sub-of-c';
    await h.store.put('subscription', Subscription.parse({
      id: subId, consumer: 'c/app', agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik', status: 'requested', keyHash: 'x',
    }), 0);
  });
  after(() => h.close());

  const cookieLogin = async (username: string) => {
    const r = await h.call('POST', '/login', { json: { username, password: PASSWORD } });
    assert.equal(r.status, 200, r.text);
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
    return { cookie, csrf: r.body.csrf as string };
  };

  test('a forged cookie, a stolen token hash, a replayed cookie after logout or a password reset: 401', async () => {
    const forged = `mantra_session=${randomBytes(32).toString('base64url')}`;
    assert.equal((await h.call('GET', '/session', { cookie: forged })).status, 401);
    const { cookie, csrf } = await cookieLogin('eko');
    // Whoever reads the store finds only hashes of tokens: a hash is no session.
    const stolenHash = tokenHash(cookie.split('=')[1]);
    assert.equal((await h.call('GET', '/session', { cookie: `mantra_session=${stolenHash}` })).status, 401);
    assert.equal((await h.call('GET', '/session', { token: stolenHash })).status, 401);
    assert.equal((await h.call('POST', '/logout', { cookie, csrf })).status, 204);
    assert.equal((await h.call('GET', '/session', { cookie })).status, 401, 'replayed after logout');

    const second = await cookieLogin('eko');
    assert.equal((await h.call('POST', '/users/eko/reset-password', { token: admin })).status, 200);
    assert.equal((await h.call('GET', '/session', { cookie: second.cookie })).status, 401, 'replayed after a password reset');
  });

  test('CSRF: a cookie request that changes something needs this session\'s token, on the new routes too', async () => {
    const citra = await cookieLogin('citra');
    const other = await cookieLogin('citra');
    const rotate = (csrf?: string) => h.call('POST', '/consumers/b/app/app-key', { cookie: citra.cookie, csrf });
    assert.equal((await rotate()).body?.error, 'csrf');
    assert.equal((await rotate(other.csrf)).status, 403, "another session's token");
    assert.equal((await rotate('x'.repeat(32))).status, 403);
    const ask = { consumer: 'b/app', agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik', purpose: 'p', legalBasis: 'l' };
    assert.equal((await h.call('POST', '/subscription-requests', { cookie: citra.cookie, json: ask })).status, 403);
    assert.equal((await h.store.list('subscription')).filter((s) => s.body.consumer === 'b/app').length, 0, 'nothing was made');
    assert.equal((await rotate(citra.csrf)).status, 200);
  });

  test('escalation through the API: requesters and other agencies cannot decide, reset, configure or take keys', async () => {
    const refused: [string, string, string, unknown?][] = [
      [requesterC, 'POST', `/subscriptions/${subId}/approve`], // its own request
      [requesterB, 'POST', `/subscriptions/${subId}/approve`],
      [requesterC, 'PUT', `/subscriptions/${subId}`, { consumer: 'c/app', agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik', status: 'approved', version: 1 }],
      [requesterB, 'POST', `/subscriptions/${subId}/rotate-key`], // another agency's consumer
      [requesterB, 'POST', '/consumers/c/app/app-key'],
      [requesterB, 'POST', '/subscription-requests', { consumer: 'c/app', agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik', purpose: 'p', legalBasis: 'l' }],
      [requesterB, 'POST', '/users/citra/reset-password'],
      [requesterB, 'POST', '/users/citra/totp/reset'],
      [providerA, 'GET', '/settings'],
      [requesterB, 'PUT', '/settings', { version: 0, totpRequiredForAdmins: false }],
    ];
    for (const [token, method, path, json] of refused) {
      const r = await h.call(method, path, { token, json });
      assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
    }
    const stored = (await h.store.get('subscription', subId))!;
    assert.equal(stored.body.status, 'requested');
    assert.equal(stored.version, 1);
    await h.tracker.flush();
    const tracked = (await h.store.tracks({ limit: 10_000 })).filter((t) => t.interface === 'admin' && t.status === 403);
    assert.ok(tracked.some((t) => t.operation === `POST /subscriptions/${subId}/approve` && t.consumer === 'cahya'));
    assert.ok(tracked.some((t) => t.operation === 'POST /users/citra/reset-password' && t.consumer === 'citra'));
  });
});
