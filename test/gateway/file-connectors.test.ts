/**
 * A file connector's path is checked again when the gateway's connector opens it: a file swapped for a symlink
 * into the data directory after it was saved, or a connector written into the store some other way, is refused
 * per call (502, 10023) and shows nothing of the server's own database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { testApp } from '../support/app.ts';

const KEY = 'filekey0001';

for (const workers of [0, 1]) describe(`file connectors through the gateway (workers ${workers})`, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  const call = (slug: string) => t.app.request(`/v1/pemda/warga/${slug}`, { headers: { 'X-API-Key': KEY } });
  const sqliteOp = async (slug: string, file: string) => {
    await t.put('connector', { agency: 'pemda', slug, kind: 'sqlite', path: file });
    await t.put('operation', { agency: 'pemda', service: 'warga', slug, kind: 'data', data: { form: 'sql', connector: slug, sql: 'select * from users' } });
    await t.subscribe(KEY, 'pemda', 'warga', slug);
  };

  before(async () => {
    t = await testApp({ workers });
    await t.put('agency', { slug: 'pemda', name: 'Pemda' });
    await t.put('service', { agency: 'pemda', slug: 'warga' });
    const db = new DatabaseSync(path.join(t.dir, 'warga.sqlite'));
    db.exec("create table users (name text); insert into users values ('Siti')");
    db.close();
  });
  after(() => t?.close());

  test('a file inside the allowed folder answers', async () => {
    await sqliteOp('own', path.join(t.dir, 'warga.sqlite'));
    const res = await call('own');
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).data, [{ name: 'Siti' }]);
  });

  test('the same file replaced by a symlink into the data directory is refused when opened', async () => {
    const file = path.join(t.dir, 'swapped.sqlite');
    fs.copyFileSync(path.join(t.dir, 'warga.sqlite'), file);
    await sqliteOp('swapped', file);
    fs.rmSync(file);
    fs.symlinkSync(path.join(t.dataDir, 'mantra.db'), file);
    const res = await call('swapped');
    assert.equal(res.status, 502);
    const text = await res.text();
    assert.equal(JSON.parse(text).code, 10023);
    assert.equal(/passwordHash|scrypt|admin/.test(text), false);
  });

  test('a connector put in the store some other way cannot open the data directory either', async () => {
    await sqliteOp('direct', path.join(t.dataDir, 'mantra.db'));
    assert.equal((await call('direct')).status, 502);
  });

  test('roots taken away in the settings apply to connectors already open', async () => {
    await t.put('settings', { fileRoots: [] });
    assert.equal((await call('own')).status, 502);
    await t.put('settings', { fileRoots: [t.dir] });
    assert.equal((await call('own')).status, 200);
  });
});
