/** The admin page's operation builder reaches a real PostgreSQL through the server's worker pool. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { ensureFirstAdmin } from '../../src/admin-api/first-admin.ts';

const skip = await needService('PostgreSQL', pgUrl);

describe('admin api: connector probes through the worker pool', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let auth: Record<string, string> = {};
  const api = (path: string, init: RequestInit = {}) =>
    t.app.request(`/admin/api${path}`, { ...init, headers: { 'content-type': 'application/json', ...auth, ...(init.headers ?? {}) } });

  before(async () => {
    t = await testApp();
    await ensureFirstAdmin(t.store, { password: 'probe-test-password' });
    const login = await api('/login', { method: 'POST', body: JSON.stringify({ username: 'admin', password: 'probe-test-password' }) });
    auth = { authorization: `Bearer ${(await login.json()).token}` };
    const u = new URL(await loadPendudukPg());
    await api('/agencies', { method: 'POST', body: JSON.stringify({ slug: 'dukcapil', name: 'Dukcapil' }) });
    for (const [slug, port] of [['pg', Number(u.port)], ['mati', 1]] as const) {
      const res = await api('/connectors', {
        method: 'POST',
        body: JSON.stringify({ agency: 'dukcapil', slug, kind: 'postgres', host: u.hostname, port, database: 'kependudukan', user: 'postgres', password: 'rahasia-sekali' }),
      });
      assert.equal(res.status, 201);
    }
  });
  after(() => t?.close());

  test('test, tables and columns with types', async () => {
    assert.deepEqual(await (await api('/connectors/dukcapil/pg/test', { method: 'POST' })).json(), { ok: true });
    const tables = await (await api('/connectors/dukcapil/pg/tables')).json();
    assert.ok(JSON.stringify(tables).includes('penduduk'));
    const columns = await (await api('/connectors/dukcapil/pg/tables/penduduk/columns')).json();
    const byName = Object.fromEntries(columns.columns.map((c: any) => [c.name, c.type]));
    assert.match(byName.nik, /character varying/);
    assert.match(byName.tgl_lahir, /date/);
  });

  test('an unreachable database: 502 with no host, port or password in the answer', async () => {
    const res = await api('/connectors/dukcapil/mati/test', { method: 'POST' });
    assert.equal(res.status, 502);
    const text = await res.text();
    assert.doesNotMatch(text, /127\.0\.0\.1|localhost|:1\b|rahasia/);
  });
});
