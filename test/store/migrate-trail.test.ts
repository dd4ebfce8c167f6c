/**
 * Migration 4: a store of schema 3 keeps its trail: each old row becomes the line it was logged as, its hash
 * unchanged, so the whole chain (old lines and new ones) verifies; old minute statistics are kept as minutes,
 * hours and days; tracks a crashed schema-3 server left in its track log are taken over after the migration.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { migrations } from '../../src/store/migrations.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { openTrailReader } from '../../src/store/trail-reader.ts';
import { loadPublicKey, PUBLIC_KEY_FILE } from '../../src/audit/keys.ts';
import { verifyStored } from '../../src/audit/verify-trail.ts';
import { assertChain } from '../support/track-chain.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Old rows as schema 1–3 wrote them: the hash over the previous hash and the JSON of the columns. */
function schema3Store(dir: string, n: number) {
  const db = new DatabaseSync(path.join(dir, 'mantra.db'));
  db.exec('pragma journal_mode = wal');
  for (const m of migrations.slice(0, 3)) typeof m === 'string' ? db.exec(m) : m(db);
  db.exec(`pragma user_version = 3; pragma application_id = ${0x4d4e5452}`);
  const insert = db.prepare(`insert into tracks (seq, at, request_id, interface, agency, service, operation, subscription,
    consumer, remote, user_agent, format, status, code, duration_ms, rows, params, note, prev_hash, hash)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  let prev = '0'.repeat(64);
  for (let seq = 1; seq <= n; seq++) {
    const values = ['2026-11-30T10:00:00.000Z', `old${seq}`, 'compat', 'a', 's', 'o', seq % 2 ? 'sub' : null, 'a/app',
      '127.0.0.1', 'MANTRA', 'json', 200, seq % 3 ? 200 : 10002, seq + 0.25, seq % 2 ? 1 : null, 'nik,nama', null];
    const hash = createHash('sha256').update(prev).update(JSON.stringify(values)).digest('hex');
    insert.run(seq, ...(values as (string | number | null)[]), prev, hash);
    prev = hash;
  }
  db.exec(`insert into stats values ('2026-11-30T10:00', 'a', 's', 'o', ${n}, 2, 12.5)`);
  // A crashed schema-3 server's track log: one line not yet in the table, as it logged them.
  fs.mkdirSync(path.join(dir, 'tracks'));
  const line = JSON.stringify([n + 1, '2026-11-30T10:01:00.000Z', 'left-in-log', 'v1', 'a', 's', 'o', null, null, '127.0.0.1', 'x', 'json', 200, 200, 1, null, 'nik', null]);
  fs.writeFileSync(path.join(dir, 'tracks', 'tracks-000000000001.log'), line + '\n');
  db.close();
}

describe('migration 4: the trail as lines', () => {
  test('old tracks keep their hashes and verify with the new ones; statistics are kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-migrate-trail-'));
    dirs.push(dir);
    schema3Store(dir, 30);
    const store = openSqliteStore(dir);
    await store.appendTracks([{ at: new Date().toISOString(), requestId: 'new1', interface: 'v1', agency: 'a', service: 's', operation: 'o',
      remote: '127.0.0.1', userAgent: 'x', format: 'json', status: 200, code: 200, durationMs: 1, params: { nik: 'k:aaaaaaaaaaaaaaaaaaaaaa' } }]);
    const tracks = await store.tracks({ limit: 100 });
    store.close();
    assert.deepEqual(tracks.map((t) => t.requestId), [...Array.from({ length: 30 }, (_, i) => `old${i + 1}`), 'left-in-log', 'new1']);
    assert.deepEqual([tracks[0].v, tracks[0].params, tracks[0].durationMs, tracks[1].subscription], [1, { nik: '-', nama: '-' }, 1.25, undefined]);
    assert.deepEqual([tracks[31].v, tracks[31].params], [2, { nik: 'k:aaaaaaaaaaaaaaaaaaaaaa' }]);
    assertChain(path.join(dir, 'mantra.db'));
    const reader = openTrailReader(path.join(dir, 'mantra.db'));
    const report = await verifyStored(reader, loadPublicKey(path.join(dir, PUBLIC_KEY_FILE)));
    const minute = await reader.stats({ period: 'minute' });
    const hour = await reader.stats({ period: 'hour' });
    await reader.close();
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.equal(report.tracks, 32);
    const old = minute.find((s) => s.start === '2026-11-30T10:00');
    assert.deepEqual([old?.calls, old?.errors, old?.totalMs], [30, 2, 12.5]);
    const inHour = hour.find((s) => s.start === '2026-11-30T10' && s.consumer === '');
    assert.deepEqual([inHour?.calls, inHour?.totalMs], [31, 13.5], 'the old minutes and the track taken over from the log');
  });
});
