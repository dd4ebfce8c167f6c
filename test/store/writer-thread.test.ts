/**
 * The store's writer thread: tracks committed on its own connection in one unbroken hash chain with those the
 * serving thread writes; WAL checkpoints copied into the database file while the serving connection never checkpoints.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { generateKeyPairSync } from 'node:crypto';
import { AUTO_CHECKPOINT_PAGES, startWriterThread } from '../../src/store/writer-thread.ts';
import { migrations } from '../../src/store/migrations.ts';
import { openSqliteStore, type TrackInput } from '../../src/store/index.ts';
import { assertChain } from '../support/track-chain.ts';

const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const track = (i: number): TrackInput => ({
  at: new Date().toISOString(), requestId: `r${i}`, interface: 'v1', agency: 'a', service: 's', operation: 'o',
  remote: '127.0.0.1', userAgent: 'test', format: 'json', status: 200, code: 200, durationMs: 1, params: { nik: 'k:0123456789abcdefghijkl' },
});

/** A database with Mantra's schema, written the way the serving connection writes while the thread runs. */
function writer(dir: string) {
  const file = path.join(dir, 'w.db');
  const db = new DatabaseSync(file);
  db.exec('pragma journal_mode = wal; pragma synchronous = normal; pragma wal_autocheckpoint = 0');
  for (const m of migrations) if (typeof m === 'string') db.exec(m); else m(db);
  db.exec('create table t (id integer primary key, body text not null)');
  const insert = db.prepare('insert into t (body) values (?)');
  return {
    file,
    db,
    write(commits: number) {
      for (let i = 0; i < commits; i++) {
        db.exec('begin immediate');
        for (let k = 0; k < 4; k++) insert.run('x'.repeat(300));
        db.exec('commit');
      }
    },
  };
}

describe('store writer thread', () => {
  test('copies the WAL into the database file; without it the file stays as it was', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-writer-'));
    try {
      const control = writer(fs.mkdtempSync(path.join(dir, 'a-')));
      const controlBefore = fs.statSync(control.file).size;
      control.write(300);
      await sleep(300);
      const controlSize = fs.statSync(control.file).size;

      const w = writer(fs.mkdtempSync(path.join(dir, 'b-')));
      const settings: number[] = [];
      const thread = startWriterThread(w.file, signingKey, (pages) => settings.push(pages), 50);
      assert.equal(await thread.ready, true);
      w.write(300);
      await sleep(300);
      const size = fs.statSync(w.file).size;
      await thread.stop();
      assert.equal(controlSize, controlBefore, `without checkpoints the file keeps its size (${controlSize} bytes)`);
      assert.ok(size > controlSize + 300_000, `the thread copied the pages (${size} bytes)`);
      assert.deepEqual(settings, [0, AUTO_CHECKPOINT_PAGES], 'the writer checkpoints again once the thread stops');
      assert.equal((w.db.prepare('select count(*) as n from t').get() as { n: number }).n, 1200);
      control.db.close();
      w.db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a thread that cannot open the file hands everything back to the serving thread', async () => {
    const settings: number[] = [];
    const thread = startWriterThread(path.join(os.tmpdir(), 'no-such-dir-mantra', 'x', 'w.db'), signingKey, (pages) => settings.push(pages), 50);
    assert.equal(await thread.ready, false);
    assert.equal(thread.running, false);
    assert.deepEqual(settings, [AUTO_CHECKPOINT_PAGES]);
    await thread.stop();
  });

  test('tracks ingested by the thread and by the serving thread form one chain; all there after reopening', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-writer-store-'));
    try {
      let store = openSqliteStore(dir);
      let n = 0;
      const batch = (size: number) => Array.from({ length: size }, () => track(n++));
      await store.appendTracks(batch(3)); // before the thread: the serving thread ingests
      assert.equal((await store.tracks({ limit: 10 })).length, 3);
      const thread = store.startWriter!();
      assert.equal(await thread.ready, true);
      assert.equal(thread.running, true);
      for (let b = 0; b < 200; b++) await store.appendTracks(batch(4));
      // The thread ingests on its own and checkpoints (every second).
      const size = () => fs.statSync(path.join(dir, 'mantra.db')).size;
      for (let waited = 0; size() <= 150_000 && waited < 5000; waited += 100) await sleep(100);
      assert.ok(size() > 150_000, 'tracks reached the database file');
      await thread.stop();
      assert.equal(thread.running, false);
      await store.appendTracks(batch(2)); // after it: the serving thread again
      store.close();
      assert.deepEqual(fs.readdirSync(path.join(dir, 'tracks')), [], 'no track log left once the store is closed');
      store = openSqliteStore(dir);
      const rows = await store.tracks({ limit: 10_000 });
      store.close();
      assert.equal(rows.length, 805);
      assert.deepEqual(rows.map((r) => r.requestId), Array.from({ length: 805 }, (_, i) => `r${i}`), 'in the order logged');
      assert.equal(assertChain(path.join(dir, 'mantra.db')).length, 805);
      const db = new DatabaseSync(path.join(dir, 'mantra.db'));
      assert.deepEqual({ ...db.prepare('select sum(calls) as calls, sum(errors) as errors from stats where period = \'m\'').get() }, { calls: 805, errors: 0 });
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
