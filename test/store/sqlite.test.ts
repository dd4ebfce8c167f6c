import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openSqliteStore, StoreError } from '../../src/store/index.ts';
import { migrations } from '../../src/store/migrations.ts';
import { assertChain } from '../support/track-chain.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-store-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const agency = { slug: 'dukcapil', name: 'Dukcapil', description: '' };

describe('sqlite store', () => {
  test('create, read, update with version, conflict, remove', async () => {
    const store = openSqliteStore(tempDir());
    try {
      const created = await store.put('agency', agency, 0);
      assert.equal(created.version, 1);
      assert.deepEqual((await store.get('agency', 'dukcapil'))?.body, agency);
      await assert.rejects(store.put('agency', agency, 0), (e: StoreError) => e.reason === 'conflict');
      const updated = await store.put('agency', { ...agency, name: 'Ditjen Dukcapil' }, 1);
      assert.equal(updated.version, 2);
      await assert.rejects(store.put('agency', agency, 1), (e: StoreError) => e.reason === 'version');
      await assert.rejects(store.remove('agency', 'dukcapil', 1), (e: StoreError) => e.reason === 'version');
      await store.remove('agency', 'dukcapil', 2);
      assert.equal(await store.get('agency', 'dukcapil'), undefined);
    } finally {
      store.close();
    }
  });

  test('validates on write and on read', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir);
    await assert.rejects(store.put('agency', { slug: 'Bad Slug', name: 'x' } as any, 0), (e: StoreError) => e.reason === 'invalid');
    await store.put('agency', agency, 0);
    store.close();
    const raw = new DatabaseSync(path.join(dir, 'mantra.db'));
    raw.prepare("update entities set body = ? where kind = 'agency'").run(JSON.stringify({ slug: 'dukcapil', extra: 1 }));
    raw.close();
    const again = openSqliteStore(dir);
    try {
      await assert.rejects(again.get('agency', 'dukcapil'), (e: StoreError) => e.reason === 'invalid');
    } finally {
      again.close();
    }
  });

  test('a transaction is all or nothing', async () => {
    const store = openSqliteStore(tempDir());
    try {
      await assert.rejects(store.transaction(async () => {
        await store.put('agency', agency, 0);
        await store.put('agency', { slug: 'x', name: '' } as any, 0); // invalid: empty name
      }));
      assert.equal(await store.get('agency', 'dukcapil'), undefined);
    } finally {
      store.close();
    }
  });

  test('state survives reopening; change listeners fire', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir);
    const seen: string[] = [];
    store.onChange((kind, id) => seen.push(`${kind}:${id}`));
    const rev = store.revision();
    await store.put('agency', agency, 0);
    assert.deepEqual(seen, ['agency:dukcapil']);
    assert.ok(store.revision() > rev);
    store.close();
    const again = openSqliteStore(dir);
    try {
      assert.equal((await again.list('agency')).length, 1);
    } finally {
      again.close();
    }
  });

  test('a second process on the same data dir is refused', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'mantra.lock'), String(process.ppid || 1)); // a live process
    assert.throws(() => openSqliteStore(dir), (e: StoreError) => e.reason === 'open' && /in use/.test(e.message));
  });

  test('a stale lock of a dead process is taken over', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'mantra.lock'), '999999999');
    openSqliteStore(dir).close();
  });

  test('a foreign SQLite database is refused, untouched', () => {
    const dir = tempDir();
    const foreign = new DatabaseSync(path.join(dir, 'mantra.db'));
    foreign.exec('create table customers (id int)');
    foreign.close();
    const before = fs.readFileSync(path.join(dir, 'mantra.db'));
    assert.throws(() => openSqliteStore(dir), (e: StoreError) => /not a Mantra store/.test(e.message));
    assert.deepEqual(fs.readFileSync(path.join(dir, 'mantra.db')), before);
  });

  test('a corrupt file is refused with a clear message', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'mantra.db'), 'this is not a database at all'.repeat(200));
    assert.throws(() => openSqliteStore(dir), (e: StoreError) => e.reason === 'open' && /corrupt|not a Mantra/.test(e.message));
  });

  test('a data dir that cannot be created is refused with a clear message', () => {
    const file = path.join(tempDir(), 'plain-file');
    fs.writeFileSync(file, 'x');
    assert.throws(() => openSqliteStore(path.join(file, 'data')), (e: StoreError) => e.reason === 'open' && /cannot create data directory/.test(e.message));
  });

  test('tracks are hash-chained; statistics sum per minute and operation', async () => {
    const store = openSqliteStore(tempDir());
    try {
      const t = { at: new Date().toISOString(), requestId: 'r', interface: 'compat', agency: 'a', service: 's', operation: 'o',
        remote: '127.0.0.1', userAgent: 'x', format: 'json', status: 200, code: 200, durationMs: 1 };
      await store.appendTracks([t, { ...t, requestId: 'r2' }]);
      const rows = await store.tracks({ limit: 10 });
      assert.equal(rows.length, 2);
      assert.notEqual(rows[0].hash, rows[1].hash);
      assert.match(rows[1].hash, /^[0-9a-f]{64}$/);
      await store.appendTracks([{ ...t, requestId: 'r3', status: 404, code: 10002, durationMs: 2 }]);
      assert.equal((await store.tracks({ limit: 10 })).length, 3);
      const raw = new DatabaseSync(path.join(store.path));
      const stat = raw.prepare(`select calls, errors, total_ms from stats where period = 'm'`).all();
      raw.close();
      assert.deepEqual(stat.map((r) => ({ ...r })), [{ calls: 3, errors: 1, total_ms: 4 }]);
    } finally {
      store.close();
    }
  });
});

describe('sqlite store migrations', () => {
  test('a store of schema 1 is migrated on open: its data stays, the tracks chain goes on', async () => {
    const dir = tempDir();
    // A data dir as the first release left it: schema 1 only, one entity and one track.
    const v1 = new DatabaseSync(path.join(dir, 'mantra.db'));
    v1.exec(migrations[0] as string);
    v1.exec(`pragma user_version = 1; pragma application_id = ${0x4d4e5452}`);
    v1.prepare('insert into entities (kind, id, version, body, updated_at) values (?, ?, 1, ?, ?)')
      .run('agency', 'dukcapil', JSON.stringify(agency), new Date().toISOString());
    v1.close();
    let store = openSqliteStore(dir);
    try {
      const t = { at: new Date().toISOString(), requestId: 'r', interface: 'compat', agency: 'a', service: 's', operation: 'o',
        remote: '127.0.0.1', userAgent: 'x', format: 'json', status: 200, code: 200, durationMs: 1 };
      await store.appendTracks([t]);
      store.close();
      store = openSqliteStore(dir);
      await store.appendTracks([{ ...t, requestId: 'r2' }]);
      assert.deepEqual((await store.get('agency', 'dukcapil'))?.body, agency);
      assert.deepEqual((await store.tracks({ limit: 10 })).map((r) => r.requestId), ['r', 'r2']);
    } finally {
      store.close();
    }
    const db = new DatabaseSync(path.join(dir, 'mantra.db'));
    const version = (db.prepare('pragma user_version').get() as { user_version: number }).user_version;
    const indexes = db.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'tracks'").all();
    db.close();
    assert.equal(version, migrations.length);
    assert.deepEqual(indexes, [], 'no index on tracks besides the primary key');
    assertChain(path.join(dir, 'mantra.db'));
  });
});

describe('sqlite store migration 3: ipAllowlist entries', () => {
  test('entries nothing could match are dropped; a subscription left with none is revoked, not opened to all', async () => {
    const dir = tempDir();
    const v2 = new DatabaseSync(path.join(dir, 'mantra.db'));
    for (const m of migrations.slice(0, 2)) v2.exec(m as string);
    v2.exec(`pragma user_version = 2; pragma application_id = ${0x4d4e5452}`);
    const sub = (id: string, ipAllowlist: string[]) => JSON.stringify({
      id, consumer: 'b/app', agency: 'a', service: 's', operation: 'o', status: 'approved', keyHash: `h-${id}`, ipAllowlist,
    });
    const insert = v2.prepare("insert into entities (kind, id, version, body, updated_at) values ('subscription', ?, 1, ?, '2026-01-01T00:00:00Z')");
    insert.run('mixed', sub('mixed', ['10.0.0.0/8', 'not-an-ip', '10.0.0.0/40', ' 192.0.2.1 ']));
    insert.run('only-bad', sub('only-bad', ['not-an-ip']));
    insert.run('good', sub('good', ['2001:db8::/32']));
    v2.close();
    const store = openSqliteStore(dir);
    try {
      const mixed = (await store.get('subscription', 'mixed'))!;
      assert.deepEqual([mixed.version, mixed.body.status, mixed.body.ipAllowlist], [2, 'approved', ['10.0.0.0/8', '192.0.2.1']]);
      const onlyBad = (await store.get('subscription', 'only-bad'))!;
      assert.deepEqual([onlyBad.version, onlyBad.body.status, onlyBad.body.ipAllowlist], [2, 'revoked', []]);
      const good = (await store.get('subscription', 'good'))!;
      assert.deepEqual([good.version, good.body.ipAllowlist], [1, ['2001:db8::/32']]);
    } finally {
      store.close();
    }
  });
});

describe('sqlite store concurrency', () => {
  test('a write from elsewhere waits for an open transaction and survives its rollback', async () => {
    const store = openSqliteStore(tempDir());
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const tx = store.transaction(async () => {
        await store.put('agency', { slug: 'a', name: 'A', description: '' }, 0);
        await gate;
        throw new Error('roll back');
      });
      const outside = store.put('agency', { slug: 'b', name: 'B', description: '' }, 0);
      const tracks = store.appendTracks([{ at: new Date().toISOString(), requestId: 'r', interface: 'v1', agency: 'x',
        service: 's', operation: 'o', remote: '', userAgent: '', format: 'json', status: 200, code: 200, durationMs: 1 }]);
      release();
      await assert.rejects(tx, /roll back/);
      await outside;
      await tracks;
      assert.equal(await store.get('agency', 'a'), undefined);
      assert.equal((await store.get('agency', 'b'))?.body.name, 'B');
      assert.equal((await store.tracks({ limit: 5 })).length, 1);
    } finally {
      store.close();
    }
  });
});
