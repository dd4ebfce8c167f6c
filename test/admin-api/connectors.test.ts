import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Hono } from 'hono';
import { createAdminApi } from '../../src/admin-api/index.ts';
import { type Harness, harness, rawEntities, seed } from './support.ts';

const SECRET = 'rahasia-sekali-123';

describe('admin api: connector secrets and probing', () => {
  let h: Harness;
  let token: string;
  const all: string[] = [];
  /** Every answer is kept: none may ever contain the secret. */
  const call = async (...args: Parameters<Harness['call']>) => {
    const r = await h.call(...args);
    all.push(r.text);
    return r;
  };
  before(async () => {
    h = harness();
    token = await h.user('root', 'administrator');
    await seed(h, token);
    const db = new DatabaseSync(path.join(h.files, 'data.sqlite'));
    db.exec('create table penduduk (nik text primary key, nama text not null, lahir date)');
    db.close();
  });
  after(() => {
    for (const text of all) assert.equal(text.includes(SECRET), false, `an answer shows the secret: ${text}`);
    h.close();
  });

  test('the password is encrypted at rest and never returned; passwordSet tells it is there', async () => {
    const created = await call('POST', '/connectors', {
      token, json: { agency: 'a', slug: 'pg', kind: 'postgres', host: 'db.internal', user: 'sipp', password: SECRET },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.passwordSet, true);
    assert.equal('password' in created.body, false);
    const stored = (await h.store.get('connector', 'a/pg'))!.body;
    assert.ok(stored.password!.startsWith('enc:v1:'));
    assert.equal(h.secrets.decrypt(stored.password!), SECRET);
    assert.equal(rawEntities(h.dir).includes(SECRET), false);

    const read = await call('GET', '/connectors/a/pg', { token });
    assert.equal(read.body.passwordSet, true);
    assert.equal(JSON.stringify(read.body).includes('enc:v1:'), false);
    await call('GET', '/connectors', { token });
    assert.equal((await call('GET', '/connectors/a/db', { token })).body.passwordSet, false);
  });

  test('an update without password keeps the stored one; with one replaces it', async () => {
    const before = (await h.store.get('connector', 'a/pg'))!.body.password;
    const { updatedAt: _, ...read } = (await call('GET', '/connectors/a/pg', { token })).body;
    const kept = await call('PUT', '/connectors/a/pg', { token, json: { ...read, port: 6432 } });
    assert.equal(kept.status, 200, kept.text);
    assert.equal(kept.body.passwordSet, true);
    assert.equal((await h.store.get('connector', 'a/pg'))!.body.password, before);

    const { updatedAt: __, passwordSet: ___, ...fields } = kept.body;
    const replaced = await call('PUT', '/connectors/a/pg', { token, json: { ...fields, password: 'new-secret-456' } });
    assert.equal(replaced.status, 200);
    assert.equal('password' in replaced.body, false);
    assert.equal(h.secrets.decrypt((await h.store.get('connector', 'a/pg'))!.body.password!), 'new-secret-456');
    // Put the test secret back for the probe test below.
    await call('PUT', '/connectors/a/pg', { token, json: { ...fields, password: SECRET, version: replaced.body.version } });
  });

  test('test, tables and columns go through the probe with the secrets decrypted', async () => {
    const { updatedAt: _, ...db } = (await call('GET', '/connectors/a/db', { token })).body;
    await call('PUT', '/connectors/a/db', { token, json: { ...db, passwordSet: false, user: 'u', password: SECRET } });
    h.seen.length = 0;
    const ok = await call('POST', '/connectors/a/db/test', { token });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { ok: true });
    assert.equal(h.seen[0].config.password, SECRET, 'the probe gets the plain password');
    assert.equal(h.seen[0].id, 'a/db');

    const tables = await call('GET', '/connectors/a/db/tables', { token });
    assert.deepEqual(tables.body, { tables: ['penduduk'] });
    const columns = await call('GET', '/connectors/a/db/tables/penduduk/columns', { token });
    assert.deepEqual(columns.body.columns, [
      { name: 'nik', type: 'TEXT' }, { name: 'nama', type: 'TEXT' }, { name: 'lahir', type: 'date' },
    ]);
    assert.equal((await call('GET', '/connectors/a/nope/tables', { token })).status, 404);
  });

  test('a failing connector answers 502 without host, path or credentials', async () => {
    const saved = await call('POST', '/connectors', { token, json: { agency: 'a', slug: 'broken', kind: 'sqlite', path: path.join(h.files, 'secret-place', 'x.db'), user: 'admin', password: SECRET } });
    assert.equal(saved.status, 201, saved.text);
    const r = await call('POST', '/connectors/a/broken/test', { token });
    assert.equal(r.status, 502);
    assert.deepEqual(r.body, { error: 'connector_failed', message: 'Koneksi ke sumber data gagal', reason: 'ENOENT' });
    assert.equal(r.text.includes('secret-place'), false);
    assert.equal((await call('GET', '/connectors/a/broken/tables', { token })).status, 502);
  });

  test('without a probe the routes answer 503', async () => {
    const app = new Hono().route('/admin/api', createAdminApi({ store: h.store, secrets: h.secrets, dataDir: h.dir, tracker: h.tracker }));
    const res = await app.request('/admin/api/connectors/a/db/test', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 503);
    assert.equal((await res.json()).error, 'connectors_unavailable');
  });

  test('backend secrets of proxy operations are encrypted and hidden the same way', async () => {
    const op = {
      agency: 'a', service: 'kependudukan', slug: 'cek_izin', kind: 'proxy',
      proxy: { style: 'http', endpoint: 'https://backend.example/izin', auth: { type: 'basic', username: 'gsb', password: SECRET } },
    };
    const created = await call('POST', '/operations', { token, json: op });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.proxy.auth, { type: 'basic', username: 'gsb', passwordSet: true });
    const stored = (await h.store.get('operation', 'a/kependudukan/cek_izin'))!.body;
    assert.ok((stored.proxy!.auth as { password: string }).password.startsWith('enc:v1:'));
    // Sent back empty, the stored secret stays.
    const { updatedAt: _, ...read } = created.body;
    const kept = await call('PUT', '/operations/a/kependudukan/cek_izin', {
      token, json: { ...read, description: 'izin', proxy: { ...read.proxy, auth: { type: 'basic', username: 'gsb', password: '' } } },
    });
    assert.equal(kept.status, 200, kept.text);
    const after = (await h.store.get('operation', 'a/kependudukan/cek_izin'))!.body;
    assert.equal((after.proxy!.auth as { password: string }).password, (stored.proxy!.auth as { password: string }).password);
    assert.equal(rawEntities(h.dir).includes(SECRET), false);
  });
});
