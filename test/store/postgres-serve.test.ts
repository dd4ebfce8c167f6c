import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import postgres from 'postgres';
import { cli, serveCli } from '../support/cli.ts';
import { needService, pgUrl } from '../support/services.ts';
import { freshDatabase, newMasterKey, nodeDir, relay, until } from './postgres-db.ts';

const skip = await needService('postgres', pgUrl);
const dirs: string[] = [];
let db: Awaited<ReturnType<typeof freshDatabase>>;
let sql: postgres.Sql;
const masterKey = newMasterKey();

before(async () => {
  if (skip) return;
  db = await freshDatabase();
  sql = postgres(db.url, { max: 1, onnotice: () => {} });
});
after(async () => {
  if (!skip) {
    await sql.end();
    await db.drop();
  }
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

describe('mantra serve --store postgres://…', { skip }, () => {
  test('PostgreSQL unreachable at start: a clear message in either language and a non-zero exit', () => {
    const closed = 'postgres://postgres@127.0.0.1:1/mantra';
    const id = cli(['serve', '--store', closed, '--data', nodeDir(masterKey, dirs), '--port', '0']);
    assert.equal(id.code, 1);
    assert.equal(id.stderr.trim(), 'mantra: PostgreSQL (--store) tidak dapat dihubungi: koneksi ditolak');
    const en = cli(['serve', '--data', nodeDir(masterKey, dirs), '--port', '0'], { env: { MANTRA_STORE: closed, MANTRA_LANG: 'en' } });
    assert.equal(en.code, 1);
    assert.equal(en.stderr.trim(), 'mantra: PostgreSQL (--store) cannot be reached: connection refused');
    const bad = cli(['serve', '--store', 'postgres://', '--data', nodeDir(masterKey, dirs)], { env: { MANTRA_LANG: 'en' } });
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.trim(), 'mantra: the store address must look like postgres://USER@HOST:PORT/DATABASE');
  });

  test('lost while running: calls answered from the copy, /readyz degraded, logged once each way, tracks caught up', async () => {
    const link = await relay();
    const dir = nodeDir(masterKey, dirs);
    dirs.push(`${dir}-files`); // the demo's database, beside the data directory
    const node = serveCli(['--store', link.through(db.url), '--data', dir, '--port', '0', '--node', 'relay-node'], {
      MANTRA_ADMIN_PASSWORD: 'rahasia-sekali-123',
    });
    try {
      const base = await node.ready;
      // The demo agency's configuration, written by another node (this process) into the cluster store.
      const { openPostgresStore } = await import('../../src/store/postgres/index.ts');
      const other = await openPostgresStore(db.url, { dataDir: nodeDir(masterKey, dirs), node: 'writer' });
      const { seedDemo } = await import('../../src/demo/seed.ts');
      const { Secrets } = await import('../../src/security/secrets.ts');
      const { key } = await seedDemo(other, new Secrets(Buffer.from(masterKey, 'base64')), dir);
      const call = () => fetch(`${base}/json/demo/kependudukan/penduduk_by_nik/nik=3201000000000042`, { headers: { AccessKey: key } });
      await until(async () => (await call()).status === 200 && (await call().then((r) => r.json())).response?.status === 1, 5000, 'the demo call on the node');
      const ready = await (await fetch(`${base}/readyz`)).json();
      assert.equal(ready.status, 'ready');
      const login = await (await fetch(`${base}/admin/api/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'rahasia-sekali-123' }),
      })).json();
      assert.ok(login.token, JSON.stringify(login));

      link.cut();
      await until(async () => (await (await fetch(`${base}/readyz`)).json()).status === 'degraded', 5000, 'readyz degraded');
      const degraded = await fetch(`${base}/readyz`);
      assert.equal(degraded.status, 200);
      assert.equal((await degraded.json()).checks.store, false);
      for (let i = 0; i < 5; i++) {
        const r = await call();
        assert.equal(r.status, 200);
        assert.equal((await r.json()).response.status, 1, 'answered from the copy while PostgreSQL is away');
      }
      // An admin write meanwhile: refused with a 503 that says why, not a 500.
      const write = await fetch(`${base}/admin/api/agencies`, {
        method: 'POST', headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ slug: 'baru', name: 'Baru' }),
      });
      const refused = await write.json();
      assert.equal(write.status, 503, JSON.stringify(refused));
      assert.equal(refused.error, 'store_unavailable');
      assert.match(refused.message, /PostgreSQL/);
      link.restore();
      await until(async () => (await (await fetch(`${base}/readyz`)).json()).status === 'ready', 8000, 'readyz ready again');
      // The calls made while away reach the cluster trail once it is back.
      await until(async () => (await sql`select count(*)::int as n from tracks where node = 'relay-node'`)[0].n >= 6, 10_000, 'tracks caught up');
      const out = node.output();
      assert.equal(out.split('cluster store unreachable').length - 1, 1, 'lost: logged once');
      assert.equal(out.split('cluster store reachable again').length - 1, 1, 'back: logged once');
      assert.ok(!out.includes(`:${link.port}`), `no address in the log: ${out}`);
      await other.close();
    } finally {
      await node.kill();
      await link.close();
    }
  });
});
