/**
 * The track log: every track is in the file before its call is answered, and reaches the tracks table in batches;
 * what a killed process logged is taken over when the store opens again, in one unbroken hash chain.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { DatabaseSync } from 'node:sqlite';
import { TrackLog } from '../../src/store/track-log.ts';
import { openSqliteStore, type TrackInput } from '../../src/store/index.ts';
import { assertChain } from '../support/track-chain.ts';
import { runtimeArgs } from '../support/cli.ts';

const track = (i: number, extra: Partial<TrackInput> = {}): TrackInput => ({
  at: '2026-11-27T23:00:00.000Z', requestId: `r${i}`, interface: 'v1', agency: 'a', service: 's', operation: 'o',
  remote: '127.0.0.1', userAgent: 'test', format: 'json', status: 200, code: 200, durationMs: 1, ...extra,
});

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-track-log-'));
  dirs.push(dir);
  return dir;
}

describe('track log', () => {
  test('a track is in the log file when appendTracks resolves, and in the table, chained, after a flush', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir);
    await store.appendTracks([track(1), track(2, { status: 404, code: 10002 })]);
    const [segment] = TrackLog.segments(path.join(dir, 'tracks'));
    const lines = fs.readFileSync(segment, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l[0], l[3]]), [[1, 'r1'], [2, 'r2']], 'seq and request id, in order');
    const rows = await store.tracks({ limit: 10 });
    assert.deepEqual(rows.map((r) => [r.requestId, r.code]), [['r1', 200], ['r2', 10002]]);
    store.close();
    assertChain(path.join(dir, 'mantra.db'));
  });

  test('a malformed track is refused before anything of its batch is logged', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir);
    await store.appendTracks([track(1)]);
    await assert.rejects(store.appendTracks([track(2), { ...track(3), requestId: null } as unknown as TrackInput]), /requestId/);
    await store.appendTracks([track(4)]);
    assert.deepEqual((await store.tracks({ limit: 10 })).map((r) => r.requestId), ['r1', 'r4']);
    store.close();
    assertChain(path.join(dir, 'mantra.db'));
  });

  test('a segment full of tracks is deleted once they are in the table', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir);
    const note = 'x'.repeat(2000);
    for (let b = 0; b < 50; b++) await store.appendTracks(Array.from({ length: 50 }, (_, i) => track(b * 50 + i, { note })));
    await store.tracks({ limit: 1 }); // ingests what is pending
    const segments = TrackLog.segments(path.join(dir, 'tracks'));
    assert.equal(segments.length, 1, `only the open segment is left (${segments.length})`);
    store.close();
    assert.equal(assertChain(path.join(dir, 'mantra.db')).length, 2500);
  });

  test('tracks of a killed process are taken over when the store opens again; the chain goes on', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir);
    await store.appendTracks([track(0)]);
    store.close();
    const script = new URL('../support/log-tracks.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, [...runtimeArgs, script, dir, JSON.stringify(track(0))], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the child did not log its tracks')), 30_000);
      child.stdout!.on('data', (d) => String(d).includes('logged') && (clearTimeout(timer), resolve()));
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL'); // no close: whatever was not ingested is only in the log
    await exited;
    const raw = new DatabaseSync(path.join(dir, 'mantra.db'));
    const before = (raw.prepare('select count(*) as n from tracks').get() as { n: number }).n;
    raw.close();
    assert.ok(before < 301, `the killed process had not moved all its tracks into the table (${before})`);
    const again = openSqliteStore(dir);
    await again.appendTracks([track(301)]);
    const rows = await again.tracks({ limit: 1000 });
    again.close();
    assert.deepEqual(rows.map((r) => r.requestId), Array.from({ length: 302 }, (_, i) => `r${i}`));
    assertChain(path.join(dir, 'mantra.db'));
  });

  test('a failed write fails its own batch only; the next batch goes to a new segment', () => {
    const dir = tempDir();
    const logDir = path.join(dir, 'tracks');
    const log = new TrackLog(logDir, 0);
    log.append([track(1)]);
    const [segment] = TrackLog.segments(logDir);
    // Take the file away from the log behind its back, as a failing disk would.
    for (const fd of fs.readdirSync('/proc/self/fd')) {
      try {
        if (fs.readlinkSync(`/proc/self/fd/${fd}`) === segment) fs.closeSync(Number(fd));
      } catch {
        // not a file of ours
      }
    }
    assert.throws(() => log.append([track(2)]));
    assert.match(log.append([track(3)]), /^\[2,/, 'the failed batch took no seq');
    const segments = TrackLog.segments(logDir);
    assert.equal(segments.length, 2);
    assert.match(fs.readFileSync(segments[1], 'utf8'), /"r3"/);
    log.close();
  });
});
