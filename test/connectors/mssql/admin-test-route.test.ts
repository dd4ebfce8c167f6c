/**
 * POST /admin/api/connectors/{agency}/{slug}/test for SQL Server and Oracle connectors, through the app and its
 * worker pool: the answer carries the driver's own code as `reason` (ESOCKET, ELOGIN; NJS-503) and never a
 * host, port, user or password.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ensureFirstAdmin } from '../../../src/admin-api/first-admin.ts';
import { testApp } from '../../support/app.ts';
import { startTdsServer, type TdsServer } from './tds-server.ts';

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('admin api: connection test of mssql and oracle connectors', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let tds: TdsServer;
  let auth: Record<string, string> = {};
  const api = (path: string, init: RequestInit = {}) =>
    t.app.request(`/admin/api${path}`, { ...init, headers: { 'content-type': 'application/json', ...auth, ...(init.headers ?? {}) } });

  before(async () => {
    t = await testApp();
    tds = await startTdsServer({ logins: { mantra: 'rahasia-ms' }, answer: () => ({ columns: [{ name: 'ok', type: 'int' }], rows: [[1]] }) });
    await ensureFirstAdmin(t.store, { password: 'probe-test-password' });
    const login = await api('/login', { method: 'POST', body: JSON.stringify({ username: 'admin', password: 'probe-test-password' }) });
    auth = { authorization: `Bearer ${(await login.json()).token}` };
    await api('/agencies', { method: 'POST', body: JSON.stringify({ slug: 'bkn', name: 'BKN' }) });
    const closed = await closedPort();
    const connectors = [
      { slug: 'ms-ok', kind: 'mssql', port: tds.port, user: 'mantra', password: 'rahasia-ms' },
      { slug: 'ms-pw', kind: 'mssql', port: tds.port, user: 'orang_asing', password: 'salah-sekali' },
      { slug: 'ms-mati', kind: 'mssql', port: closed, user: 'mantra', password: 'rahasia-ms' },
      { slug: 'ora-mati', kind: 'oracle', port: closed, database: 'ORCLPDB1', user: 'HR', password: 'sandi-ora' },
    ];
    for (const c of connectors) {
      const res = await api('/connectors', { method: 'POST', body: JSON.stringify({ agency: 'bkn', host: '127.0.0.1', connectTimeoutMs: 2000, ...c }) });
      assert.equal(res.status, 201, await res.text());
    }
  });
  after(async () => {
    await t?.close();
    await tds?.close();
  });

  test('a working SQL Server connector answers ok', async () => {
    const res = await api('/connectors/bkn/ms-ok/test', { method: 'POST' });
    assert.deepEqual([res.status, await res.json()], [200, { ok: true }]);
  });

  for (const [slug, reason] of [['ms-pw', 'ELOGIN'], ['ms-mati', 'ESOCKET'], ['ora-mati', 'NJS-503']]) {
    test(`${slug}: 502 with reason ${reason}, nothing that names a host or user`, async () => {
      const res = await api(`/connectors/bkn/${slug}/test`, { method: 'POST' });
      assert.equal(res.status, 502);
      const text = await res.text();
      assert.equal(JSON.parse(text).reason, reason);
      assert.doesNotMatch(text, /127\.0\.0\.1|localhost|orang_asing|mantra|HR|rahasia|salah|sandi|ORCLPDB1/);
    });
  }
});
