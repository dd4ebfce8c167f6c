/**
 * Statistics: summed where tracks are logged (no line parsed on the writer thread) or, for what a crash left in the
 * track log, from the lines; both give the same table, minutes rolled into hours and days; a batch handed over twice
 * counts once; admin and token requests are not calls.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrations } from '../../src/store/migrations.ts';
import { trackIngester } from '../../src/store/track-chain.ts';
import { encodeLine } from '../../src/store/track-line.ts';
import { queryStats, sumTracks } from '../../src/store/stats-table.ts';
import type { TrackInput } from '../../src/store/types.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function db() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-stats-'));
  dirs.push(dir);
  const d = new DatabaseSync(path.join(dir, 'x.db'));
  for (const m of migrations) typeof m === 'string' ? d.exec(m) : m(d);
  return d;
}

const tracks: TrackInput[] = Array.from({ length: 40 }, (_, i) => ({
  at: `2026-12-01T0${i % 2}:0${i % 3}:00.000Z`, requestId: `r${i}`, interface: i === 39 ? 'admin' : 'v1', agency: 'a',
  service: i === 39 ? '' : 's', operation: i % 4 ? 'o' : 'p', consumer: i % 5 ? 'c/x' : undefined, remote: '', userAgent: '',
  format: 'json', status: i % 7 ? 200 : 404, code: i % 7 ? 200 : 10002, durationMs: 0.5 + i,
}));
const text = (from: number, rows: TrackInput[]) => rows.map((t, i) => encodeLine(from + i, t) + '\n').join('');
const dump = (d: DatabaseSync) => (['minute', 'hour', 'day'] as const).flatMap((period) => queryStats(d, { period })
  .map((r) => ({ ...r, hist: [...r.hist].sort((x, y) => x[0] - y[0]) })));

describe('statistics', () => {
  test('summed at the source or from the lines: the same rows, admin requests left out', () => {
    const fromLines = db(), fromSums = db();
    trackIngester(fromLines)(text(1, tracks));
    trackIngester(fromSums)(text(1, tracks.slice(0, 25)), [sumTracks(tracks.slice(0, 25), 1, 25)]);
    trackIngester(fromSums)(text(26, tracks.slice(25)), [sumTracks(tracks.slice(25), 26, 40)]);
    assert.deepEqual(dump(fromSums), dump(fromLines));
    const day = queryStats(fromLines, { period: 'day' });
    assert.equal(day.reduce((n, r) => n + r.calls, 0), 39);
    assert.equal(day.reduce((n, r) => n + r.errors, 0), 6);
    assert.deepEqual([...new Set(day.map((r) => r.consumer))].sort(), ['', 'c/x']);
  });

  test('a batch handed over again (its writer died after the commit) counts once', () => {
    const d = db();
    const ingest = trackIngester(d);
    const first = sumTracks(tracks.slice(0, 20), 1, 20);
    ingest(text(1, tracks.slice(0, 20)), [first]);
    ingest(text(1, tracks.slice(0, 30)), [first, sumTracks(tracks.slice(20, 30), 21, 30)]);
    assert.equal(queryStats(d, { period: 'day' }).reduce((n, r) => n + r.calls, 0), 30);
  });
});
