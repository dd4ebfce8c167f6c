import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { type Harness, harness, seed } from './support.ts';

describe('admin api: roles and agency scoping', () => {
  let h: Harness;
  let admin: string, providerA: string, publisherB: string, requesterB: string, supervisor: string;
  before(async () => {
    h = harness();
    admin = await h.user('root', 'administrator');
    await seed(h, admin);
    providerA = await h.user('ani', 'provider', { agency: 'a' });
    publisherB = await h.user('bayu', 'publisher', { agency: 'b' });
    requesterB = await h.user('citra', 'requester', { agency: 'b' });
    supervisor = await h.user('dewi', 'supervisor');
    // Something of agency B to try to touch.
    const r = await h.call('POST', '/services', { token: admin, json: { agency: 'b', slug: 'perizinan' } });
    assert.equal(r.status, 201);
  });
  after(() => h.close());

  const status = async (token: string, method: string, url: string, json?: unknown) => (await h.call(method, url, { token, json })).status;

  test('a provider of agency A manages A and cannot touch agency B (403)', async () => {
    const dbf = path.join(h.files, 'dbf');
    assert.equal(await status(providerA, 'POST', '/connectors', { agency: 'a', slug: 'files', kind: 'dbf', path: dbf }), 201);
    assert.equal(await status(providerA, 'POST', '/connectors', { agency: 'b', slug: 'files', kind: 'dbf', path: dbf }), 403);
    assert.equal(await status(providerA, 'POST', '/services', { agency: 'b', slug: 'x' }), 403);
    assert.equal(await status(providerA, 'GET', '/services/b/perizinan'), 403);
    assert.equal(await status(providerA, 'PUT', '/services/b/perizinan', { agency: 'b', slug: 'perizinan', version: 1 }), 403);
    assert.equal(await status(providerA, 'DELETE', '/services/b/perizinan'), 403);
    const forbidden = await h.call('DELETE', '/services/b/perizinan', { token: providerA, headers: { 'accept-language': 'en' } });
    assert.deepEqual(forbidden.body, { error: 'forbidden', message: 'You are not allowed to do this' });
    const services = (await h.call('GET', '/services', { token: providerA })).body.items.map((s: { agency: string }) => s.agency);
    assert.deepEqual([...new Set(services)], ['a'], 'lists show only their agency');
    assert.equal(await status(providerA, 'POST', '/services', { agency: 'a', slug: 'pajak' }), 201);
    assert.equal(await status(providerA, 'DELETE', '/services/a/pajak'), 204);
  });

  test('a provider subscribes consumers to its own operations only', async () => {
    const own = { consumer: 'b/app', agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik', purpose: 'verifikasi' };
    const r = await h.call('POST', '/subscriptions', { token: providerA, json: own });
    assert.equal(r.status, 201, r.text);
    assert.equal(await status(publisherB, 'POST', '/subscriptions', own), 403);
    assert.equal(await status(publisherB, 'GET', `/subscriptions/${r.body.id}`), 403);
    assert.equal(await status(publisherB, 'POST', `/subscriptions/${r.body.id}/rotate-key`), 403);
    // The requester agency sees the subscriptions of its consumers, read-only.
    assert.equal(await status(requesterB, 'GET', `/subscriptions/${r.body.id}`), 200);
    assert.equal((await h.call('GET', '/subscriptions', { token: requesterB })).body.items.length, 1);
    assert.equal(await status(requesterB, 'DELETE', `/subscriptions/${r.body.id}`), 403);
  });

  test('a publisher of B cannot write operations of A', async () => {
    const op = { agency: 'a', service: 'kependudukan', slug: 'x', kind: 'data', data: { form: 'sql', connector: 'db', sql: 'select 1' } };
    assert.equal(await status(publisherB, 'POST', '/operations', op), 403);
    assert.equal(await status(publisherB, 'DELETE', '/operations/a/kependudukan/penduduk_by_nik'), 403);
    assert.equal(await status(publisherB, 'POST', '/services', { agency: 'b', slug: 'izin' }), 201);
  });

  test('a requester reads operations and manages its own consumers', async () => {
    assert.equal((await h.call('GET', '/operations', { token: requesterB })).body.items.length, 1);
    assert.equal(await status(requesterB, 'GET', '/operations/a/kependudukan/penduduk_by_nik'), 200);
    assert.equal(await status(requesterB, 'POST', '/operations', { agency: 'b', service: 'perizinan', slug: 'x', kind: 'data' }), 403);
    assert.equal(await status(requesterB, 'GET', '/connectors'), 403);
    assert.equal(await status(requesterB, 'POST', '/consumers', { agency: 'b', slug: 'mobile' }), 201);
    assert.equal(await status(requesterB, 'POST', '/consumers', { agency: 'a', slug: 'mobile' }), 403);
    assert.equal(await status(requesterB, 'DELETE', '/consumers/b/mobile'), 204);
  });

  test('a supervisor reads everything and writes nothing', async () => {
    for (const url of ['/agencies', '/users', '/connectors', '/services', '/operations', '/consumers', '/subscriptions']) {
      assert.equal(await status(supervisor, 'GET', url), 200, url);
    }
    assert.equal(await status(supervisor, 'GET', '/connectors/a/db'), 200);
    assert.equal(await status(supervisor, 'POST', '/agencies', { slug: 'z', name: 'Z' }), 403);
    assert.equal(await status(supervisor, 'DELETE', '/services/b/perizinan'), 403);
    assert.equal(await status(supervisor, 'POST', '/connectors/a/db/test'), 403);
  });

  test('users and agencies are written by administrators only; others read their own', async () => {
    assert.equal(await status(providerA, 'POST', '/agencies', { slug: 'z', name: 'Z' }), 403);
    assert.equal(await status(providerA, 'POST', '/users', { username: 'eko', role: 'provider', agency: 'a', password: 'long enough password' }), 403);
    assert.equal(await status(providerA, 'GET', '/agencies/a'), 200);
    assert.equal(await status(providerA, 'GET', '/agencies/b'), 403);
    assert.equal(await status(providerA, 'GET', '/users/ani'), 200);
    assert.equal(await status(providerA, 'GET', '/users/root'), 403);
    assert.deepEqual((await h.call('GET', '/users', { token: providerA })).body.items.map((u: { username: string }) => u.username), ['ani']);
    const self = (await h.call('GET', '/users/ani', { token: providerA })).body;
    const { updatedAt: _, ...fields } = self;
    assert.equal(await status(providerA, 'PUT', '/users/ani', { ...fields, role: 'administrator' }), 403, 'no promoting oneself');
    assert.equal(await status(admin, 'POST', '/agencies', { slug: 'z', name: 'Z' }), 201);
  });
});
