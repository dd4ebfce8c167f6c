import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { StoreError, StoreOpenError } from '../../src/store/index.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import type { PostgresStore } from '../../src/store/postgres/store.ts';
import { PgStoreError } from '../../src/store/postgres/errors.ts';
import { needService, pgUrl } from '../support/services.ts';
import { freshDatabase, newMasterKey, nodeDir, relay, until } from './postgres-db.ts';
import { capturedLog } from '../support/captured-log.ts';
import { randomUUID } from 'node:crypto';
import { connect } from '../../src/store/postgres/connection.ts';

const skip = await needService('postgres', pgUrl);
const dirs: string[] = [];
const opened: PostgresStore[] = [];
let db: Awaited<ReturnType<typeof freshDatabase>>;
let sql: postgres.Sql;
const masterKey = newMasterKey();

const open = async (opts: { dir?: string; url?: string; node?: string; readOnly?: boolean } = {}) => {
  const store = await openPostgresStore(opts.url ?? db.url, { dataDir: opts.dir ?? nodeDir(masterKey, dirs), node: opts.node, readOnly: opts.readOnly });
  opened.push(store);
  return store;
};

before(async () => {
  if (skip) return;
  db = await freshDatabase();
  sql = postgres(db.url, { max: 2, onnotice: () => {} });
});
after(async () => {
  await Promise.all(opened.map((s) => s.close()));
  if (!skip) {
    await sql.end();
    await db.drop();
  }
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

const agency = { slug: 'dukcapil', name: 'Dukcapil', description: '' };

describe('postgres store', { skip }, () => {
  test('three nodes opening a fresh database at once migrate it once', async () => {
    const [a, b, c] = await Promise.all([open(), open(), open()]);
    const schema = await sql`select component, version from mantra_schema order by component`;
    assert.deepEqual(schema.map((r) => [r.component, r.version]), [['config', 1], ['trail', 1]]);
    assert.deepEqual(new Set([a.node, b.node, c.node]).size, 3);
    await until(() => a.liveNodes() === 3, 5000, 'three live nodes');
    await Promise.all([b.close(), c.close()]);
    await until(() => a.liveNodes() === 1, 5000, 'one live node after two left');
  });

  test('create, read, update with version, conflict, remove; validated on write and on read', async () => {
    const store = await open();
    const created = await store.put('agency', agency, 0);
    assert.equal(created.version, 1);
    assert.deepEqual((await store.get('agency', 'dukcapil'))?.body, agency);
    await assert.rejects(store.put('agency', agency, 0), (e: StoreError) => e.reason === 'conflict');
    const updated = await store.put('agency', { ...agency, name: 'Ditjen Dukcapil' }, 1);
    assert.equal(updated.version, 2);
    await assert.rejects(store.put('agency', agency, 1), (e: StoreError) => e.reason === 'version');
    await assert.rejects(store.put('agency', { ...agency, slug: 'Not A Slug' } as any), (e: StoreError) => e.reason === 'invalid');
    await assert.rejects(store.put('agency', agency, 7), (e: StoreError) => e.reason === 'version');
    await assert.rejects(store.remove('agency', 'dukcapil', 1), (e: StoreError) => e.reason === 'version');
    await store.remove('agency', 'dukcapil', 2);
    assert.equal(await store.get('agency', 'dukcapil'), undefined);
    await assert.rejects(store.remove('agency', 'dukcapil'), (e: StoreError) => e.reason === 'not_found');

    // A row changed behind the store's back no longer matches its schema: reads refuse it.
    await store.put('agency', agency, 0);
    await sql`update entities set body = '{"slug": 42}'::jsonb, rev = rev + 1000 where kind = 'agency' and id = 'dukcapil'`;
    const other = await open();
    await assert.rejects(other.get('agency', 'dukcapil'), (e: StoreError) => e.reason === 'invalid');
    await sql`delete from entities where kind = 'agency' and id = 'dukcapil'`;
  });

  test('a transaction is all or nothing, nested ones join it, and its reads see its writes', async () => {
    const store = await open();
    const before = store.revision();
    await assert.rejects(store.transaction(async () => {
      await store.put('agency', { ...agency, slug: 'bpjs' }, 0);
      assert.equal((await store.get('agency', 'bpjs'))?.version, 1, 'the transaction reads its own write');
      await store.transaction(() => store.put('agency', { ...agency, slug: 'bkn' }, 0));
      throw new Error('abort');
    }), /abort/);
    assert.equal(await store.get('agency', 'bpjs'), undefined);
    assert.equal((await sql`select count(*)::int as n from entities where id in ('bpjs', 'bkn')`)[0].n, 0);
    assert.equal(store.revision(), before, 'nothing rolled back reached the copy');

    await store.transaction(async () => {
      await store.put('agency', { ...agency, slug: 'bpjs' }, 0);
      // A refused write inside a transaction leaves the rest of it alone.
      await assert.rejects(store.put('agency', { ...agency, slug: 'bpjs' }, 0), (e: StoreError) => e.reason === 'conflict');
      await store.put('agency', { ...agency, slug: 'bkn' }, 0);
    });
    assert.deepEqual((await store.list('agency')).map((a) => a.id).filter((id) => id !== 'dukcapil'), ['bkn', 'bpjs']);
    assert.equal(store.revision(), before + 2);
  });

  test('a change on one node reaches the others within a second, with onChange', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const seen: string[] = [];
    b.onChange((kind, id) => seen.push(`${kind} ${id}`));
    const rev = b.revision();
    const started = Date.now();
    await a.put('agency', { ...agency, slug: 'kemenkes', name: 'Kemenkes' }, 0);
    const ms = await until(async () => (await b.get('agency', 'kemenkes'))?.body.name === 'Kemenkes', 1000, 'the change on node B');
    assert.ok(b.revision() > rev);
    assert.deepEqual(seen, ['agency kemenkes']);
    console.log(`change on A seen on B after ${Date.now() - started} ms (poll ${ms} ms)`);
    await a.remove('agency', 'kemenkes');
    await until(async () => (await b.get('agency', 'kemenkes')) === undefined, 1000, 'the removal on node B');
  });

  test('sessions are shared and end everywhere', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const s = { tokenHash: 't1', username: 'ani', csrf: 'c', expiresAt: Date.now() + 60_000 };
    await a.sessions.put(s);
    await a.sessions.put({ ...s, tokenHash: 't2' });
    assert.deepEqual(await b.sessions.get('t1'), s);
    await b.sessions.removeUser('ani', 't2');
    assert.equal(await a.sessions.get('t1'), undefined);
    assert.equal((await a.sessions.get('t2'))?.username, 'ani');
    await a.sessions.put({ ...s, tokenHash: 't3', expiresAt: Date.now() - 1 });
    assert.equal(await b.sessions.get('t3'), undefined, 'expired');
    await b.sessions.remove('t2');
    assert.equal(await a.sessions.get('t2'), undefined);
  });

  test('every node holds the same shared keys, and its own audit signing key', async () => {
    const [da, db_] = [nodeDir(masterKey, dirs), nodeDir(masterKey, dirs)];
    const [a, b] = await Promise.all([open({ dir: da }), open({ dir: db_ })]);
    await a.put('agency', { ...agency, slug: 'kemensos' }, 0);
    await until(async () => !!(await b.get('agency', 'kemensos')), 2000, 'the agency on B');
    for (const name of ['audit.key', 'oauth-signing-key.json', 'agency-keys/kemensos.json']) {
      assert.equal(fs.readFileSync(path.join(db_, name), 'utf8'), fs.readFileSync(path.join(da, name), 'utf8'), name);
      assert.equal(fs.statSync(path.join(db_, name)).mode & 0o777, 0o600, name);
    }
    const own = (d: string) => fs.readFileSync(path.join(d, 'audit-signing.key'), 'utf8');
    assert.notEqual(own(da), own(db_), 'each node signs its chain with a key of its own');
    const published = await sql`select node, public_key from trail_keys where node in (${a.node!}, ${b.node!})`;
    assert.equal(published.length, 2, 'both public keys published');
    const stored = await sql`select name, body from shared_keys order by name`;
    assert.ok(stored.every((r) => !/PRIVATE KEY/.test(r.body)), 'private keys are stored encrypted');
    assert.ok(stored.some((r) => r.name === 'agency-keys/kemensos.json'));
    // A node whose local key differs (it ran alone before) takes the store's and keeps its own aside.
    const dc = nodeDir(masterKey, dirs);
    fs.writeFileSync(path.join(dc, 'audit.key'), 'not the cluster key\n');
    await open({ dir: dc });
    assert.equal(fs.readFileSync(path.join(dc, 'audit.key'), 'utf8'), fs.readFileSync(path.join(da, 'audit.key'), 'utf8'));
    assert.ok(fs.readdirSync(dc).some((f) => f.startsWith('audit.key.replaced-')));
  });

  test('a node with another master key is refused', async () => {
    await assert.rejects(open({ dir: nodeDir(newMasterKey(), dirs) }), (e: PgStoreError) =>
      e.problem === 'master_key' && /MANTRA_MASTER_KEY/.test(e.text('id')));
  });

  test('node ids: made once in DATA/node-id, overridden by --node, one live process per id', async () => {
    const dir = nodeDir(masterKey, dirs);
    const a = await open({ dir });
    const id = fs.readFileSync(path.join(dir, 'node-id'), 'utf8').trim();
    assert.equal(a.node, id);
    await a.close();
    const again = await open({ dir });
    assert.equal(again.node, id, 'the same id on the next start');
    await again.close();
    const named = await open({ node: 'node-a' });
    assert.equal(named.node, 'node-a');
    await assert.rejects(open({ node: 'bad id!' }), (e: PgStoreError) => e.problem === 'node_id');
    await assert.rejects(open({ node: 'node-a' }), (e: PgStoreError) => e.problem === 'node_in_use');
  });

  test('a schema newer than this binary is refused with the embedded store\'s message', async () => {
    await sql`update mantra_schema set version = 99 where component = 'config'`;
    try {
      await assert.rejects(open(), (e: StoreOpenError) => e instanceof StoreOpenError && e.problem === 'newer' &&
        /perbarui Mantra/.test(e.text('id')));
    } finally {
      await sql`update mantra_schema set version = 1 where component = 'config'`;
    }
  });

  test('unreachable at start: a clear reason, no host', async () => {
    const closed = new URL(db.url);
    closed.port = '1';
    await assert.rejects(open({ url: closed.toString() }), (e: PgStoreError) =>
      e.problem === 'unreachable' && e.text('en') === 'PostgreSQL (--store) cannot be reached: connection refused' &&
      !e.text('id').includes('127.0.0.1'));
    await assert.rejects(open({ url: 'mysql://x@y/z' }), (e: PgStoreError) => e.problem === 'url');
  });

  test('a transaction under way when the periodic check fails still settles, and leaves nothing idle in transaction', async () => {
    const store = await open();
    const locker = postgres(db.url, { max: 1, onnotice: () => {} });
    const holding = Promise.withResolvers<void>();
    try {
      const tx = store.transaction(async () => {
        await store.put('agency', { ...agency, slug: 'kpu' }, 0); // takes the revision row
        holding.resolve();
        // A lock queued behind this transaction's makes the check's read of the revision wait and time out.
        await until(() => !store.health().ok, 8000, 'the check failing');
        await store.put('agency', { ...agency, slug: 'kpk' }, 0);
      });
      tx.catch(() => {});
      await holding.promise;
      const queued = locker.begin(async (l) => {
        await l`lock table config_revision in access exclusive mode`;
      });
      queued.catch(() => {});
      const settled = await Promise.race([tx.then(() => 'committed', (e) => `failed: ${e}`), new Promise((r) => setTimeout(() => r('hung'), 12_000))]);
      assert.equal(settled, 'committed', 'the transaction went on on its own connection');
      await queued;
      const idle = await sql`select count(*)::int as n from pg_stat_activity where datname = ${db.name} and state like 'idle in transaction%'`;
      assert.equal(idle[0].n, 0, 'no transaction left open');
      assert.ok((await store.get('agency', 'kpu')) && (await store.get('agency', 'kpk')));
      await until(() => store.health().ok, 5000, 'the check back');
    } finally {
      // Should it hang (the defect), release the locks so the other tests can go on.
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db.name} and state like 'idle in transaction%'`;
      await locker.end({ timeout: 1 });
    }
  });

  test('every store connection has server timeouts, so nothing holds a lock for long', async () => {
    const probe = connect(db.url, { max: 1 });
    try {
      const [t] = await probe`select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock,
        current_setting('idle_in_transaction_session_timeout') as idle`;
      assert.deepEqual([t.statement, t.lock, t.idle], ['30s', '10s', '15s']);
    } finally {
      await probe.end();
    }
  });

  test('the check has a connection of its own: a busy pool does not make it report PostgreSQL lost', async () => {
    const store = await open();
    await store.sessions.put({ tokenHash: 'busy', username: 'ani', csrf: 'c', expiresAt: Date.now() + 60_000 });
    const locker = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      let waiting: Promise<unknown>[] = [];
      await locker.begin(async (l) => {
        await l`lock table sessions in access exclusive mode`;
        // More readers than the pool has connections, all waiting for the lock: the pool is busy for 4.5 s.
        waiting = [...Array(6)].map(() => store.sessions.get('busy'));
        await new Promise((r) => setTimeout(r, 4500));
        assert.equal(store.health().ok, true, 'the check is not queued behind the pool');
      });
      const read = await Promise.all(waiting);
      assert.ok(read.every((r) => (r as { username?: string })?.username === 'ani'));
    } finally {
      await locker.end({ timeout: 1 });
    }
  });

  test('another process taking over the node id: this node refuses tracked calls and says so once', async () => {
    const track = { at: new Date().toISOString(), requestId: 'r1', interface: 'v1', agency: 'dukcapil', service: 'penduduk',
      operation: 'nik', remote: '127.0.0.1', userAgent: 'test', format: 'json', status: 200, code: 200, durationMs: 1 };
    let refused: StoreError | undefined;
    const lines = await capturedLog(async () => {
      const store = await open({ node: 'taken-over' });
      await store.appendTracks([track]);
      // What a second process with this id does once it thinks this one is gone: it claims the row.
      await sql`update nodes set instance = ${randomUUID()}, started_at = now(), seen_at = now() where node = 'taken-over'`;
      await until(async () => {
        refused = await store.appendTracks([track]).then(() => undefined, (e) => e);
        return refused !== undefined;
      }, 6000, 'tracked calls refused');
      await new Promise((r) => setTimeout(r, 2500)); // another heartbeat: still said once
    });
    assert.equal(refused?.reason, 'unavailable');
    assert.equal(lines.filter((l) => /another process took over this node id/.test(l.msg)).length, 1, JSON.stringify(lines));
  });

  test('lost while running: reads from the copy, writes refused, logged once, caught up when back', async () => {
    const link = await relay();
    try {
      const other = await open();
      let node!: PostgresStore;
      const lines = await capturedLog(async () => {
        node = await open({ url: link.through(db.url) });
        await other.put('agency', { ...agency, slug: 'bps', name: 'BPS' }, 0);
        await until(async () => !!(await node.get('agency', 'bps')), 1000, 'the agency before the cut');
        // A transaction whose connection dies midway fails cleanly (postgres.js would crash the process if its
        // body's failure were answered with a rollback on the dead connection: connection.ts begin).
        const midway = node.transaction(async () => {
          await node.put('agency', { ...agency, slug: 'bmkg' }, 0);
          await new Promise((r) => setTimeout(r, 1000));
          await node.put('agency', { ...agency, slug: 'bnpb' }, 0);
        });
        midway.catch(() => {});
        await new Promise((r) => setTimeout(r, 200));
        link.cut();
        await assert.rejects(midway, (e: StoreError) => e.reason === 'unavailable');
        await new Promise((r) => setTimeout(r, 1200)); // past the body's second write: nothing may be sent then
        await until(() => !node.health().ok, 5000, 'health false');
        assert.equal((await node.get('agency', 'bps'))?.body.name, 'BPS', 'served from the copy');
        await assert.rejects(node.put('agency', { ...agency, slug: 'bpom' }, 0), (e: StoreError) => e.reason === 'unavailable');
        await assert.rejects(node.sessions.get('t1'), (e: StoreError) => e.reason === 'unavailable');
        await other.put('agency', { ...agency, slug: 'bps', name: 'Badan Pusat Statistik' }, 1);
        await other.put('agency', { ...agency, slug: 'lkpp' }, 0);
        await new Promise((r) => setTimeout(r, 2500));
        assert.equal((await node.get('agency', 'bps'))?.body.name, 'BPS', 'still the last good copy');
        link.restore();
        await until(() => node.health().ok, 5000, 'health back');
        await until(async () => (await node.get('agency', 'bps'))?.body.name === 'Badan Pusat Statistik', 3000, 'caught up');
        assert.ok(await node.get('agency', 'lkpp'));
        assert.equal(await other.get('agency', 'bmkg'), undefined, 'the cut transaction left nothing');
        await node.put('agency', { ...agency, slug: 'bpom' }, 0);
        await until(async () => !!(await other.get('agency', 'bpom')), 1000, 'a write after the return, seen elsewhere');
      });
      assert.equal(lines.filter((l) => /cluster store unreachable/.test(l.msg)).length, 1, 'lost: logged once');
      assert.equal(lines.filter((l) => /cluster store reachable again/.test(l.msg)).length, 1, 'back: logged once');
      assert.ok(!lines.some((l) => JSON.stringify(l).includes(String(link.port))), 'no address in the log');
    } finally {
      await link.close();
    }
  });
});
