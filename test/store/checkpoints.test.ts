/** WAL checkpoints on a thread of their own: the database file takes the writer's pages while the writer never checkpoints. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AUTO_CHECKPOINT_PAGES, startCheckpoints } from '../../src/store/checkpoints.ts';
import { openSqliteStore, type TrackInput } from '../../src/store/index.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function writer(dir: string) {
  const file = path.join(dir, 'w.db');
  const db = new DatabaseSync(file);
  db.exec('pragma journal_mode = wal; pragma synchronous = normal; pragma wal_autocheckpoint = 0');
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

describe('checkpoint thread', () => {
  test('copies the WAL into the database file; without it the file stays as it was', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-ckpt-'));
    try {
      const control = writer(fs.mkdtempSync(path.join(dir, 'a-')));
      control.write(300);
      await sleep(300);
      const controlSize = fs.statSync(control.file).size;

      const w = writer(fs.mkdtempSync(path.join(dir, 'b-')));
      const settings: number[] = [];
      const ck = startCheckpoints(w.file, (pages) => settings.push(pages), 50);
      assert.equal(await ck.ready, true);
      w.write(300);
      await sleep(300);
      const size = fs.statSync(w.file).size;
      await ck.stop();
      assert.ok(controlSize < 100_000, `without checkpoints the file stays small (${controlSize} bytes)`);
      assert.ok(size > 300_000, `the thread copied the pages (${size} bytes)`);
      assert.deepEqual(settings, [0, AUTO_CHECKPOINT_PAGES], 'the writer checkpoints again once the thread stops');
      assert.equal((w.db.prepare('select count(*) as n from t').get() as { n: number }).n, 1200);
      control.db.close();
      w.db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a thread that cannot open the file hands checkpoints back to the writer', async () => {
    const settings: number[] = [];
    const ck = startCheckpoints(path.join(os.tmpdir(), 'no-such-dir-mantra', 'x', 'w.db'), (pages) => settings.push(pages), 50);
    assert.equal(await ck.ready, false);
    assert.deepEqual(settings, [AUTO_CHECKPOINT_PAGES]);
    await ck.stop();
  });

  test('the store runs them while tracks are written; everything is there after reopening', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-ckpt-store-'));
    try {
      let store = openSqliteStore(dir);
      const ck = store.startCheckpoints!();
      assert.equal(await ck.ready, true);
      const track = (i: number): TrackInput => ({
        at: new Date().toISOString(), requestId: `r${i}`, interface: 'v1', agency: 'a', service: 's', operation: 'o',
        remote: '127.0.0.1', userAgent: 'test', format: 'json', status: 200, code: 200, durationMs: 1,
      });
      for (let b = 0; b < 200; b++) await store.appendTracks([0, 1, 2, 3].map((k) => track(b * 4 + k)));
      await sleep(400);
      assert.ok(fs.statSync(path.join(dir, 'mantra.db')).size > 200_000, 'tracks reached the database file');
      await ck.stop();
      store.close();
      store = openSqliteStore(dir);
      const rows = await store.tracks({ limit: 10_000 });
      store.close();
      assert.equal(rows.length, 800);
      assert.equal(rows[799].requestId, 'r799');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
