/**
 * The audit trail in the cluster store: one hash chain per node, verified together. Two nodes append at once and
 * the trail verifies; an edited, deleted, reordered or moved row is named with its node; a retention cut verifies;
 * a batch ingested again (a lost acknowledgement) or cut off by pg_terminate_backend adds nothing twice; tracks
 * wait in the local log while PostgreSQL is away; a killed node's log is taken over; statistics sum every node.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { loadSigningKey } from '../../src/audit/keys.ts';
import { verifyStored } from '../../src/audit/verify-trail.ts';
import { reportText } from '../../src/audit/messages.ts';
import { connect, type Sql } from '../../src/store/postgres/connection.ts';
import { migrate } from '../../src/store/postgres/migrate.ts';
import { openPgTrail, type PgTrail, trailMigrations } from '../../src/store/postgres/trail.ts';
import { pgTrackIngester } from '../../src/store/postgres/trail-ingest.ts';
import { TrackLog } from '../../src/store/track-log.ts';
import { chainText, encodeLine } from '../../src/store/track-line.ts';
import { sha256Hex } from '../../src/runtime/sha256.ts';
import { openPgAuditTrail } from '../../src/store/postgres/trail-audit.ts';
import { StoreError } from '../../src/store/types.ts';
import { capturedLog } from '../support/captured-log.ts';
import type { TrackInput } from '../../src/store/types.ts';
import type { Retention } from '../../src/store/trail-upkeep.ts';
import { needService, pgUrl } from '../support/services.ts';
import { cli } from '../support/cli.ts';
import { freshDatabase, newMasterKey, nodeDir, relay, until } from './postgres-db.ts';

const skip = await needService('postgres', pgUrl);
const dirs: string[] = [];
const masterKey = newMasterKey();
const pools: Sql[] = [];
const trails: PgTrail[] = [];
let db: Awaited<ReturnType<typeof database>>;
let admin: postgres.Sql;

const track = (i: number, extra: Partial<TrackInput> = {}): TrackInput => ({
  at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(), requestId: `r${i}`, interface: 'v1', agency: 'dukcapil',
  service: 'penduduk', operation: i % 3 ? 'nik' : 'kk', consumer: 'bpjs/app', remote: '127.0.0.1', userAgent: 'test',
  format: 'json', status: i % 10 ? 200 : 500, code: i % 10 ? 200 : 500, durationMs: 1 + (i % 7), ...extra,
});

/** A database of its own with the trail's tables, and a pool on it (what the cluster store hands the trail). */
async function database(name = 'mantra_pgtrail') {
  const d = await freshDatabase(name);
  const sql = connect(d.url);
  pools.push(sql);
  await migrate(sql, [{ name: 'trail', migrations: trailMigrations }]);
  return { ...d, sql };
}

async function node(sql: Sql, name: string, opts: { dir?: string; retention?: Retention } = {}) {
  const dataDir = opts.dir ?? nodeDir(masterKey, dirs);
  const trail = await openPgTrail(sql, { node: name, dataDir, signingKey: loadSigningKey(dataDir), retention: () => opts.retention ?? { days: 0, megabytes: 0 } });
  trails.push(trail);
  return { trail, dataDir };
}

/** Closes the trails a test opened (a clean stop: the rest of the log goes in, a checkpoint is signed). */
async function closeTrails() {
  await Promise.all(trails.splice(0).map((t) => t.close()));
}

async function verify(t: PgTrail) {
  const reader = await t.trail();
  try {
    return await verifyStored(reader, undefined);
  } finally {
    await reader.close();
  }
}

before(async () => {
  if (skip) return;
  db = await database();
  admin = postgres(db.url, { max: 1, onnotice: () => {} });
});
after(async () => {
  await Promise.all(trails.map((t) => t.close().catch(() => {})));
  await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
  if (!skip) {
    await admin.end();
    await db.drop();
  }
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

describe('postgres trail', { skip }, () => {
  test('two nodes append at once: one chain each, verified together; statistics sum both', async () => {
    const [a, b] = [await node(db.sql, 'node-a'), await node(db.sql, 'node-b')];
    const made: number[] = [];
    const append = async (t: PgTrail, base: number) => {
      for (let i = 0; i < 60; i++) {
        const batch = [base + i * 5, base + i * 5 + 1, base + i * 5 + 2];
        made.push(...batch);
        await t.appendTracks(batch.map((n) => track(n)));
        if (i % 20 === 19) await t.checkpoint();
        if (i % 7 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    };
    await Promise.all([append(a.trail, 0), append(b.trail, 100_000)]);
    await Promise.all([a.trail.checkpoint(), b.trail.checkpoint()]);
    const counts = await admin`select node, count(*)::int as n, min(seq)::int as first, max(seq)::int as last from tracks group by node order by node`;
    assert.deepEqual(counts.map((r) => [r.node, r.n, r.first, r.last]), [['node-a', 180, 1, 180], ['node-b', 180, 1, 180]]);
    const report = await verify(a.trail);
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.deepEqual(report.chains?.map((c) => [c.node, c.ok, c.tracks, c.unsigned]), [['node-a', true, 180, 0], ['node-b', true, 180, 0]]);
    assert.equal(report.tracks, 360);
    assert.deepEqual(report.chains?.map((c) => c.keyIds), [[loadSigningKey(a.dataDir).keyId], [loadSigningKey(b.dataDir).keyId]]);
    const text = reportText(report, 'en');
    assert.match(text[0], /2 chains \(one per node\), 360 entries/);
    assert.ok(text.some((l) => l.startsWith('node node-b: Audit trail intact: 180 entries')), text.join('\n'));

    // Statistics: every node's rows added up, per minute, hour and day.
    const reader = await a.trail.trail();
    try {
      for (const period of ['minute', 'hour', 'day'] as const) {
        const rows = await reader.stats({ period });
        assert.equal(rows.reduce((n, r) => n + r.calls, 0), 360, period);
        assert.equal(rows.reduce((n, r) => n + r.errors, 0), made.filter((i) => i % 10 === 0).length, period);
        const kk = rows.filter((r) => r.operation === 'kk').reduce((n, r) => n + r.calls, 0);
        assert.equal(kk, made.filter((i) => i % 3 === 0).length, period);
        const ms = rows.reduce((n, r) => n + r.totalMs, 0);
        assert.equal(Math.round(ms), made.reduce((n, i) => n + 1 + (i % 7), 0), period);
        assert.equal(rows.reduce((n, r) => n + [...r.hist.values()].reduce((a, b) => a + b, 0), 0), 360, period);
      }
      const day = await reader.stats({ period: 'day', operation: 'nik' });
      assert.equal(new Set(day.map((r) => `${r.start} ${r.operation}`)).size, day.length, 'one row per key, not per node');
    } finally {
      await reader.close();
    }
    await closeTrails();
  });

  test('an edited, deleted, reordered or moved row is named, with its node', async () => {
    const d = await database('mantra_pgtrail_tamper');
    const [a, b] = [await node(d.sql, 'alpha'), await node(d.sql, 'beta')];
    for (let i = 1; i <= 30; i++) await Promise.all([a.trail.appendTracks([track(i)]), b.trail.appendTracks([track(500 + i)])]);
    await Promise.all([a.trail.checkpoint(), b.trail.checkpoint()]);
    assert.equal((await verify(a.trail)).ok, true);
    const raw = postgres(d.url, { max: 1, onnotice: () => {} });
    const expect = async (kind: string, seq: number, nodeName = 'beta') => {
      const r = await verify(a.trail);
      assert.equal(r.ok, false);
      assert.deepEqual([r.problem?.kind, r.problem?.seq, r.problem?.node], [kind, seq, nodeName], JSON.stringify(r.problem));
      assert.equal(r.chains?.find((c) => c.node === 'alpha')?.ok, nodeName !== 'alpha');
      assert.match(reportText(r, 'en')[0], new RegExp(`NOT intact: node ${nodeName}: `));
    };
    try {
      const [row] = await raw`select line from tracks where node = 'beta' and seq = 12`;
      await raw`update tracks set line = ${row.line.replace('"r512"', '"r999"')} where node = 'beta' and seq = 12`;
      await expect('edited', 12);
      await raw`update tracks set line = ${row.line} where node = 'beta' and seq = 12`;
      assert.equal((await verify(a.trail)).ok, true, 'restored');

      await raw`delete from tracks where node = 'beta' and seq = 20`;
      await expect('missing', 21);
      // Reorder: rows 5 and 6 swap their lines and hashes.
      const rows = await raw`select seq, line, hash from tracks where node = 'alpha' and seq in (5, 6) order by seq`;
      await raw`update tracks set line = ${rows[1].line}, hash = ${rows[1].hash} where node = 'alpha' and seq = 5`;
      await raw`update tracks set line = ${rows[0].line}, hash = ${rows[0].hash} where node = 'alpha' and seq = 6`;
      await expect('edited', 5, 'alpha');
      await raw`update tracks set line = ${rows[0].line}, hash = ${rows[0].hash} where node = 'alpha' and seq = 5`;
      await raw`update tracks set line = ${rows[1].line}, hash = ${rows[1].hash} where node = 'alpha' and seq = 6`;
      // A row moved to the other node's chain, as alpha's next entry (beta still lacks its seq 20).
      await raw`update tracks set node = 'alpha', seq = 31 where node = 'beta' and seq = 30`;
      const r = await verify(a.trail);
      assert.deepEqual(r.chains?.map((c) => [c.node, c.ok, c.problem?.kind, c.problem?.seq]),
        [['alpha', false, 'edited', 31], ['beta', false, 'missing', 21]]);
      assert.equal(r.problem?.node, 'alpha', 'the first bad chain is named');
      // A published key replaced: the checkpoints no longer verify.
      await raw`update tracks set node = 'beta', seq = 30 where node = 'alpha' and seq = 31`;
      await raw`update trail_keys set public_key = (select public_key from trail_keys where node = 'beta') where node = 'alpha'`;
      const k = await verify(a.trail);
      assert.equal(k.chains?.[0].problem?.kind, 'bad_signature');
    } finally {
      await raw.end();
      await closeTrails();
      await d.drop();
    }
  });

  test('retention cuts each node\'s chain with a signed cut: it verifies, and goes on after everything was cut', async () => {
    const d = await database('mantra_pgtrail_cut');
    const retention = { days: 30, megabytes: 0 };
    const a = await node(d.sql, 'alpha', { retention });
    const b = await node(d.sql, 'beta', { retention });
    const old = (i: number) => track(i, { at: new Date(Date.now() - (100 - i) * 86_400_000).toISOString() });
    for (let i = 1; i <= 100; i++) await a.trail.appendTracks([old(i)]);
    for (let i = 1; i <= 10; i++) await b.trail.appendTracks([old(i)]);
    await a.trail.checkpoint();
    const pa = await a.trail.prune();
    assert.deepEqual(pa, { cut: 70, removed: 70 }, 'entries older than 30 days are gone');
    const pb = await b.trail.prune();
    assert.deepEqual(pb, { cut: 10, removed: 10 }, 'all of beta\'s entries were old');
    let r = await verify(b.trail);
    assert.equal(r.ok, true, JSON.stringify(r.problem));
    assert.deepEqual(r.chains?.map((c) => [c.node, c.cut, c.tracks]), [['alpha', 70, 30], ['beta', 10, 0]]);
    // beta's chain goes on from its cut, after the retention removed every entry.
    await b.trail.appendTracks([track(11, { at: new Date().toISOString() })]);
    await b.trail.checkpoint();
    r = await verify(b.trail);
    assert.equal(r.ok, true, JSON.stringify(r.problem));
    assert.deepEqual(r.chains?.find((c) => c.node === 'beta')?.first, 11);
    // The cut is checked too: a deleted row after it is found.
    await d.sql`delete from tracks where node = 'alpha' and seq = 71`;
    assert.deepEqual((await verify(a.trail)).problem?.kind, 'missing');
    await closeTrails();
    await d.drop();
  });

  test('a batch ingested twice (its commit never acknowledged) adds nothing twice; so does one cut off by pg_terminate_backend', async () => {
    const d = await database('mantra_pgtrail_retry');
    const dir = nodeDir(masterKey, dirs);
    // The same lines twice, as TrackIngest hands them again after a lost connection.
    const log = new TrackLog(path.join(dir, 'scratch'), 0);
    const text = log.append([track(1), track(2), track(3)]) + log.append([track(4)]);
    log.close();
    const ingest = pgTrackIngester(d.sql, 'solo');
    assert.equal(await ingest(text), 4);
    assert.equal(await ingest(text), 4);
    const [{ n }] = await d.sql`select count(*)::int as n from tracks where node = 'solo'`;
    assert.equal(n, 4);
    const [{ calls }] = await d.sql`select sum(calls)::int as calls from stats where node = 'solo' and period = 'd'`;
    assert.equal(calls, 4, 'statistics counted once');

    // A node appending while its connections are killed: every track arrives, once, in order.
    const a = await node(d.sql, 'alpha');
    let stop = false;
    const killer = (async () => {
      let kills = 0;
      while (!stop) {
        const killed = await admin`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = ${d.name} and application_name = 'mantra' and pid <> pg_backend_pid()`;
        kills += killed.length;
        await new Promise((r) => setTimeout(r, 40));
      }
      return kills;
    })();
    for (let i = 1; i <= 200; i++) {
      await a.trail.appendTracks([track(i), track(1000 + i)]);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 15));
    }
    stop = true;
    const kills = await killer;
    assert.ok(kills > 0, 'connections were terminated');
    await until(async () => (await d.sql`select count(*)::int as n from tracks where node = 'alpha'`.catch(() => [{ n: 0 }]))[0].n === 400, 20_000, 'all tracks in');
    const r = await verify(a.trail);
    assert.equal(r.ok, true, JSON.stringify(r.problem));
    assert.equal(r.chains?.find((c) => c.node === 'alpha')?.tracks, 400);
    const [{ sum }] = await d.sql`select sum(calls)::int as sum from stats where node = 'alpha' and period = 'h'`;
    assert.equal(sum, 400, 'statistics counted once despite the retries');
    await closeTrails();
    await d.drop();
  });

  test('while PostgreSQL is away tracks wait in the local log; a killed node\'s log is taken over at start', async () => {
    const d = await database('mantra_pgtrail_away');
    const cut = await relay();
    try {
      const sql = connect(cut.through(d.url));
      pools.push(sql);
      const a = await node(sql, 'alpha');
      await a.trail.appendTracks([track(1), track(2)]);
      await a.trail.checkpoint();
      cut.cut();
      for (let i = 3; i <= 50; i++) await a.trail.appendTracks([track(i)]); // counted as tracked: in the local log
      const segments = TrackLog.segments(path.join(a.dataDir, 'tracks'));
      assert.ok(segments.length > 0 && fs.readFileSync(segments.at(-1)!, 'utf8').includes('"r50"'), 'waiting in the log');
      await new Promise((r) => setTimeout(r, 300));
      cut.restore();
      await until(async () => (await d.sql`select count(*)::int as n from tracks where node = 'alpha'`)[0].n === 50, 15_000, 'caught up');
      assert.equal((await verify(a.trail)).ok, true);

      // A killed node: what it logged but never moved is taken over when it starts again, its chain goes on.
      const dir = nodeDir(masterKey, dirs);
      const first = await node(d.sql, 'beta', { dir });
      await first.trail.appendTracks([track(1), track(2), track(3)]);
      await first.trail.tracks({ limit: 1 }); // flushed: 3 in PostgreSQL
      const leftover = new TrackLog(path.join(dir, 'tracks'), 3);
      leftover.append([track(4), track(5)]);
      leftover.close();
      fs.appendFileSync(TrackLog.segments(path.join(dir, 'tracks')).at(-1)!, '[6,2,"torn'); // a write cut by the kill
      const again = await openPgTrail(d.sql, { node: 'beta', dataDir: dir, signingKey: loadSigningKey(dir), retention: () => ({ days: 0, megabytes: 0 }) });
      trails.push(again);
      const [{ n }] = await d.sql`select count(*)::int as n from tracks where node = 'beta'`;
      assert.equal(n, 5);
      await again.appendTracks([track(6)]);
      const tracks = await again.tracks({ limit: 100 });
      assert.deepEqual(tracks.map((t) => t.seq), [1, 2, 3, 4, 5, 6]);
      await again.checkpoint();
      const r = await verify(again);
      assert.equal(r.ok, true, JSON.stringify(r.problem));
    } finally {
      await closeTrails();
      await cut.close();
      await d.drop();
    }
  });

  test('audit verify --store with three tampered chains finishes (a pool of 2: no walk keeps its connection)', async () => {
    const d = await database('mantra_pgtrail_three');
    const names = ['alpha', 'beta', 'gamma'];
    const nodes = await Promise.all(names.map((n) => node(d.sql, n)));
    // More than a page (5000) per chain, so that a verifier stopping at seq 5 leaves the rest of its walk unread.
    for (let i = 0; i < 6000; i += 500) {
      await Promise.all(nodes.map((n, k) => n.trail.appendTracks([...Array(500)].map((_, j) => track(k * 100_000 + i + j + 1)))));
    }
    await closeTrails();
    for (const n of names) await d.sql`update tracks set line = replace(line, '"r', '"x') where node = ${n} and seq = 5`;
    try {
      const reader = await openPgAuditTrail(d.url);
      try {
        const report = await Promise.race([verifyStored(reader, undefined), new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
        assert.notEqual(report, 'hung', 'verify finished');
        if (report === 'hung') return;
        assert.deepEqual(report.chains?.map((c) => [c.node, c.ok, c.problem?.kind, c.problem?.seq]),
          names.map((n) => [n, false, 'edited', 5]));
      } finally {
        await reader.close();
      }
      const r = cli(['audit', 'verify', '--store', d.url], { env: { MANTRA_LANG: 'en' } });
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stderr, /NOT intact: node alpha: entry seq 5/);
    } finally {
      await d.drop();
    }
  });

  test('a logged line the chain holds otherwise (another process used this node id) stops the node; the log is kept', async () => {
    const d = await database('mantra_pgtrail_conflict');
    try {
      // While running: another process wrote seq 4 of alpha's chain before alpha's own seq 4 went in.
      const a = await node(d.sql, 'alpha');
      await a.trail.appendTracks([track(1), track(2), track(3)]);
      await a.trail.tracks({ limit: 1 }); // in PostgreSQL
      const theirs = encodeLine(4, track(9004));
      const [{ hash }] = await d.sql`select hash from tracks where node = 'alpha' and seq = 3`;
      await d.sql`insert into tracks (node, seq, line, hash) values ('alpha', 4, ${theirs}, ${sha256Hex(chainText(hash, theirs))})`;
      let refused: unknown;
      const lines = await capturedLog(async () => {
        await a.trail.appendTracks([track(4)]);
        await until(async () => (refused = await a.trail.appendTracks([track(5)]).then(() => undefined, (e) => e)) !== undefined, 5000, 'calls refused');
      });
      assert.equal((refused as StoreError).reason, 'unavailable');
      assert.equal(lines.filter((l) => /refuses tracked calls/.test(l.msg)).length, 1);
      const logged = TrackLog.segments(path.join(a.dataDir, 'tracks')).map((f) => fs.readFileSync(f, 'utf8')).join('');
      assert.ok(logged.includes('"r4"'), 'alpha\'s own seq 4 kept in its log');
      await closeTrails();
      assert.ok(TrackLog.segments(path.join(a.dataDir, 'tracks')).length > 0, 'kept after close too');
      assert.deepEqual((await d.sql`select line from tracks where node = 'alpha' and seq = 4`)[0].line, theirs, 'nothing written over');

      // At start: a killed run's leftover log whose seqs another process (same id, other directory) used meanwhile.
      const dir = nodeDir(masterKey, dirs);
      const b = await node(d.sql, 'beta', { dir });
      await b.trail.appendTracks([track(1), track(2)]);
      await closeTrails();
      const leftover = new TrackLog(path.join(dir, 'tracks'), 2);
      leftover.append([track(3), track(4)]);
      leftover.close();
      const other = await node(d.sql, 'beta');
      await other.trail.appendTracks([track(7003), track(7004), track(7005)]);
      await closeTrails();
      const again = await openPgTrail(d.sql, { node: 'beta', dataDir: dir, signingKey: loadSigningKey(dir), retention: () => ({ days: 0, megabytes: 0 }) });
      trails.push(again);
      await assert.rejects(again.appendTracks([track(6)]), (e: StoreError) => e.reason === 'unavailable');
      const kept = TrackLog.segments(path.join(dir, 'tracks')).map((f) => fs.readFileSync(f, 'utf8')).join('');
      assert.ok(kept.includes('"r3"') && kept.includes('"r4"'), 'the leftover log is kept');
      assert.equal((await d.sql`select count(*)::int as n from tracks where node = 'beta'`)[0].n, 5);
      await closeTrails();
      // A batch ingested again as it was (a lost acknowledgement) still goes through: the same lines are no conflict.
      const c = await node(d.sql, 'gamma');
      await c.trail.appendTracks([track(1), track(2)]);
      await c.trail.tracks({ limit: 1 });
      const text = fs.readFileSync(TrackLog.segments(path.join(c.dataDir, 'tracks')).at(-1)!, 'utf8');
      assert.equal(await pgTrackIngester(d.sql, 'gamma')(text), 2);
      await c.trail.appendTracks([track(3)]);
      assert.deepEqual((await c.trail.tracks({ limit: 10 })).map((t) => t.seq), [1, 2, 3]);
    } finally {
      await closeTrails();
      await d.drop();
    }
  });

  test('close() waits for the batch under way before it moves the rest of the log: no second ingest races it', async () => {
    const d = await database('mantra_pgtrail_close');
    const locker = postgres(d.url, { max: 1, onnotice: () => {} });
    try {
      const a = await node(d.sql, 'alpha');
      await a.trail.appendTracks([track(1), track(2), track(3)]);
      await a.trail.tracks({ limit: 1 });
      const lines = await capturedLog(async () => {
        let closing: Promise<void> | undefined;
        await locker.begin(async (l) => {
          await l`lock table tracks in exclusive mode`; // the next batch waits for it, in flight
          await a.trail.appendTracks([track(4), track(5)]);
          await new Promise((r) => setTimeout(r, 400));
          closing = a.trail.close();
          closing.catch(() => {});
          await new Promise((r) => setTimeout(r, 400));
        });
        await closing;
      });
      assert.ok(!lines.some((l) => /tracks left in the track log/.test(l.msg)), JSON.stringify(lines));
      assert.equal(TrackLog.segments(path.join(a.dataDir, 'tracks')).length, 0, 'the whole log went in');
      assert.deepEqual((await d.sql`select seq::int from tracks where node = 'alpha' order by seq`).map((r) => r.seq), [1, 2, 3, 4, 5]);
      trails.splice(0);
    } finally {
      await locker.end();
      await d.drop();
    }
  });

  test('mantra audit verify and export --store postgres://…: per node, the first bad entry named with its node', async () => {
    const d = await database('mantra_pgtrail_cli');
    const [a, b] = [await node(d.sql, 'alpha'), await node(d.sql, 'beta')];
    for (let i = 1; i <= 20; i++) await Promise.all([a.trail.appendTracks([track(i)]), b.trail.appendTracks([track(100 + i)])]);
    await closeTrails(); // a clean stop: all in, under a checkpoint
    fs.writeFileSync(path.join(a.dataDir, 'node-id'), 'alpha\n');
    const en = { env: { MANTRA_LANG: 'en' } };
    let r = cli(['audit', 'verify', '--store', d.url, '--data', a.dataDir], en);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Cluster audit trail: 2 chains \(one per node\), 40 entries, verified together/);
    assert.match(r.stdout, /node alpha: Audit trail intact: 20 entries \(seq 1–20\)/);
    assert.match(r.stdout, /node beta: Audit trail intact: 20 entries/);
    assert.ok(r.stdout.includes(`node alpha: keys ${loadSigningKey(a.dataDir).keyId}`), r.stdout);

    // Exported whole (a section per node) and verified elsewhere with both nodes' public keys.
    const out = path.join(nodeDir(masterKey, dirs), 'trail.ndjson');
    r = cli(['audit', 'export', '--store', d.url, '--data', a.dataDir, '--out', out], en);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /40 tracks exported/);
    const ring = path.join(path.dirname(out), 'cluster.pub');
    fs.writeFileSync(ring, ['alpha', 'beta'].map((n) => fs.readFileSync(path.join(n === 'alpha' ? a.dataDir : b.dataDir, 'audit-signing.pub'), 'utf8')).join(''));
    r = cli(['audit', 'verify', '--export', out, '--public-key', ring], en);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 chains/);
    // With one node's key only, the other node's section is refused.
    r = cli(['audit', 'verify', '--export', out, '--public-key', path.join(a.dataDir, 'audit-signing.pub')], en);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /NOT intact: node beta: the signature of the checkpoint/);
    // One node's chain.
    r = cli(['audit', 'export', '--store', d.url, '--node', 'beta', '--format', 'csv'], en);
    assert.equal(r.code, 0, r.stderr);
    const csv = r.stdout.trim().split('\r\n');
    assert.equal(csv.length, 21);
    assert.ok(csv[0].startsWith('node,seq,at,') && csv.slice(1).every((l) => l.startsWith('beta,')), csv[1]);

    // An edited entry in beta's chain: exit 3, beta and the entry named.
    await d.sql`update tracks set line = replace(line, '"r107"', '"r007"') where node = 'beta' and seq = 7`;
    r = cli(['audit', 'verify', '--store', d.url, '--data', a.dataDir], en);
    assert.equal(r.code, 3, r.stdout);
    assert.match(r.stderr, /Audit trail NOT intact: node beta: entry seq 7 \(request r007\) was changed/);
    assert.match(r.stderr, /node alpha: Audit trail intact/);
    // Unreachable: a clear message, no stack.
    r = cli(['audit', 'verify', '--store', 'postgres://postgres@127.0.0.1:1/nothing', '--data', a.dataDir], en);
    assert.equal(r.code, 1);
    assert.ok(!/at .*\.ts:\d+/.test(r.stderr) && r.stderr.trim().length > 0, r.stderr);
    await d.drop();
  });
});
