import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../support/app.ts';

/** Operations are checked when saved: statements compile, writes are declared, backends are reachable by rule. */
describe('admin api: operation checks at save', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let token = '';
  const post = (path: string, body: unknown) =>
    t.app.request(`/admin/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  before(async () => {
    t = await testApp();
    const { ensureFirstAdmin } = await import('../../src/admin-api/first-admin.ts');
    await ensureFirstAdmin(t.store, { password: 'operation-checks-pass' });
    const login = await t.app.request('/admin/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'operation-checks-pass' }) });
    token = (await login.json()).token;
    await t.put('agency', { slug: 'pemda', name: 'Pemda' });
    await t.put('connector', { agency: 'pemda', slug: 'db', kind: 'sqlite', path: '/nonexistent.sqlite' });
    await t.put('service', { agency: 'pemda', slug: 'warga' });
  });
  after(() => t?.close());

  test('an unmarked write and a second statement are refused with the field at fault', async () => {
    for (const sql of ['delete from warga', 'select 1; select 2']) {
      const res = await post('/operations', { agency: 'pemda', service: 'warga', slug: 'x', kind: 'data', data: { form: 'sql', connector: 'db', sql } });
      assert.equal(res.status, 400, sql);
      const body = await res.json();
      assert.equal(body.issues[0].path, 'data');
    }
  });

  test('a proxy to a host off the allowlist is refused at save; a good one is stored prepared', async () => {
    await t.put('settings', { backendAllowlist: ['backend.example.go.id'] });
    const bad = await post('/operations', { agency: 'pemda', service: 'warga', slug: 'p', kind: 'proxy', proxy: { style: 'get', endpoint: 'http://127.0.0.1:9/x' } });
    assert.equal(bad.status, 400);
    const good = await post('/operations', { agency: 'pemda', service: 'warga', slug: 'p', kind: 'proxy', proxy: { style: 'get', endpoint: 'https://backend.example.go.id/x' } });
    assert.equal(good.status, 201);
    assert.equal('prepared' in (await good.json()), false);
    assert.deepEqual((await t.store.get('operation', 'pemda/warga/p'))?.body.prepared, { kind: 'http', version: 1 });
  });
});
