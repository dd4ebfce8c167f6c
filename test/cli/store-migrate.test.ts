import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { openSqliteStore, type TrackInput } from '../../src/store/index.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { loadParamKey, loadPublicKey } from '../../src/audit/keys.ts';
import { verifyStored } from '../../src/audit/verify-trail.ts';
import { AnswerSigner } from '../../src/audit/answer-signer.ts';
import { openSigningKey } from '../../src/security/signing-key.ts';
import { Secrets } from '../../src/security/secrets.ts';
import { Settings } from '../../src/model/index.ts';
import { cli } from '../support/cli.ts';
import { needService, pgUrl } from '../support/services.ts';
import { freshDatabase, newMasterKey, nodeDir, relay, until } from '../store/postgres-db.ts';
import { DatabaseSync } from 'node:sqlite';
import { encodeLine } from '../../src/store/track-line.ts';
import { moveOutOfCluster } from '../../src/store/postgres/move.ts';
import { spawn } from 'node:child_process';
import { trailMove } from '../../src/store/postgres/move-trail.ts';
import type { PgStoreError } from '../../src/store/postgres/errors.ts';

const skip = await needService('postgres', pgUrl);
const dirs: string[] = [];
let db: Awaited<ReturnType<typeof freshDatabase>>;
let sql: postgres.Sql;
const masterKey = newMasterKey();
const secrets = new Secrets(Buffer.from(masterKey, 'base64'));
const en = { MANTRA_LANG: 'en' };

before(async () => {
  if (skip) return;
  db = await freshDatabase('mantra_pgmigrate');
  sql = postgres(db.url, { max: 1, onnotice: () => {} });
});
after(async () => {
  if (!skip) {
    await sql.end();
    await db.drop();
  }
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

const track = (i: number, note?: string): TrackInput => ({
  at: new Date().toISOString(), requestId: `r${i}`, interface: 'compat', agency: 'dukcapil', service: 'kependudukan',
  operation: 'penduduk_by_nik', remote: '127.0.0.1', userAgent: 'x', format: 'json', status: 200, code: 200, durationMs: 1 + i, note,
});

/** One move in a process of its own (store-migrate-memory.ts), with its memory. */
function measuredMove(direction: 'in' | 'out', from: string, to: string) {
  const script = new URL('./store-migrate-memory.ts', import.meta.url).pathname;
  const args = 'Bun' in globalThis ? [script] : ['run', '-A', '--v8-flags=--expose-gc', script];
  return new Promise<{ tracks: number; retainedMb: number; heapMb: number; rssMb: number; baseRssMb: number }>((resolve, reject) => {
    const child = spawn(process.execPath, [...args, direction, from, to], { env: process.env });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
      } catch (err) {
        reject(new Error(`${err}: ${stdout}${stderr}`));
      }
    });
  });
}

/** An embedded installation: configuration, a session, 50 tracks under a checkpoint, statistics, the shared keys. */
async function embedded(): Promise<string> {
  const dir = nodeDir(masterKey, dirs);
  const store = openSqliteStore(dir);
  await store.put('agency', { slug: 'dukcapil', name: 'Dukcapil', description: '' }, 0);
  await store.put('settings', Settings.parse({}));
  await store.sessions.put({ tokenHash: 'tok', username: 'admin', csrf: 'c', expiresAt: Date.now() + 3_600_000 });
  for (let i = 1; i <= 50; i += 10) await store.appendTracks([...Array(10)].map((_, j) => track(i + j)));
  await store.checkpoint();
  store.close();
  loadParamKey(dir);
  openSigningKey(dir, secrets);
  await new AnswerSigner(dir, secrets).jwks(['dukcapil']);
  return dir;
}

const count = async (table: string) => (await sql.unsafe(`select count(*)::int as n from ${table}`))[0].n as number;

describe('mantra store migrate', { skip }, () => {
  test('DIR → cluster store → DIR, audit verify passing on each target, non-empty targets refused', async () => {
    const dir = await embedded();
    const node = fs.existsSync(path.join(dir, 'node-id')) ? fs.readFileSync(path.join(dir, 'node-id'), 'utf8').trim() : undefined;
    assert.equal(node, undefined, 'an embedded installation has no node id yet');

    const moved = cli(['store', 'migrate', '--from', dir, '--to', db.url], { env: en });
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(moved.stdout, /moved: 2 configuration items, 1 sessions, 3 shared keys, 50 tracks, [1-9]\d* checkpoints, [1-9]\d* statistics rows/);
    const id = fs.readFileSync(path.join(dir, 'node-id'), 'utf8').trim();
    assert.ok(moved.stderr.includes(`nothing in ${dir} was deleted or edited; it now has node id ${id} (DATA/node-id)`), moved.stderr);
    assert.equal((await sql`select count(*)::int as n from tracks where node = ${id}`)[0].n, 50);
    assert.deepEqual((await sql`select name from shared_keys order by name`).map((r) => r.name),
      ['agency-keys/dukcapil.json', 'audit.key', 'oauth-signing-key.json']);
    assert.equal(await count('sessions'), 1);

    // The cluster trail verifies: the node's chain with the key in its directory, hashes and signatures as moved.
    const reading = await openPostgresStore(db.url, { dataDir: dir, readOnly: true });
    const reader = await reading.trail();
    const report = await verifyStored(reader, loadPublicKey(path.join(dir, 'audit-signing.pub')), { node: id });
    await reader.close();
    await reading.close();
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.equal(report.tracks, 50);
    assert.equal(report.unsigned, 0, 'every moved entry under a moved checkpoint');
    const verify = cli(['audit', 'verify', '--store', db.url, '--data', dir], { env: en });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout + verify.stderr, /50/);

    // Again: the cluster store is no longer empty, and nothing changes.
    const before = await count('entities');
    const again = cli(['store', 'migrate', '--from', dir, '--to', db.url], { env: en });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /the cluster store is not empty .*nothing moved; --force replaces the same items and deletes nothing/);
    assert.equal(await count('entities'), before);
    assert.equal(await count('tracks'), 50);

    // The node serves from the cluster for a while: its chain goes on from 51, a change is made there.
    const store = await openPostgresStore(db.url, { dataDir: dir });
    assert.equal(store.node, id);
    await store.appendTracks([track(51), track(52)]);
    await store.put('agency', { slug: 'bps', name: 'BPS', description: '' }, 0);
    await store.close();
    assert.equal((await sql`select max(seq)::int as n from tracks where node = ${id}`)[0].n, 52);

    // Back into its own directory: refused without --force (it holds configuration), then the chain is extended.
    const refused = cli(['store', 'migrate', '--from', db.url, '--to', dir], { env: en });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already holds 2 configuration items: nothing moved/);
    const back = cli(['store', 'migrate', '--from', db.url, '--to', dir, '--force'], { env: en });
    assert.equal(back.code, 0, back.stderr);
    const local = openSqliteStore(dir);
    assert.ok(await local.get('agency', 'bps'), 'the change made in the cluster came back');
    assert.equal((await local.tracks({ after: 50, limit: 10 })).map((t) => t.requestId).join(), 'r51,r52');
    local.close();
    const verifyBack = cli(['audit', 'verify', '--data', dir], { env: en });
    assert.equal(verifyBack.code, 0, verifyBack.stdout + verifyBack.stderr);

    // Another directory is not this node's: its chain cannot go there.
    const stranger = nodeDir(masterKey, dirs);
    const wrong = cli(['store', 'migrate', '--from', db.url, '--to', stranger], { env: en });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /holds the trails of nodes .*pick one with --node NAME/);
    const named = cli(['store', 'migrate', '--from', db.url, '--to', stranger, '--node', id], { env: en });
    assert.equal(named.code, 1);
    assert.match(named.stderr, /not the data directory of node/);
  });

  test('--force never writes over an entry the cluster holds: a differing chain is refused, in either language', async () => {
    const target = await freshDatabase('mantra_pgmigrate_force');
    const raw = postgres(target.url, { max: 1, onnotice: () => {} });
    try {
      const dir = await embedded();
      assert.equal(cli(['store', 'migrate', '--from', dir, '--to', target.url], { env: en }).code, 0);
      const id = fs.readFileSync(path.join(dir, 'node-id'), 'utf8').trim();
      // The cluster's entry 10 is not the directory's (another chain under this id, or an edit there).
      await raw`update tracks set line = replace(line, '"r10"', '"r99"') where node = ${id} and seq = 10`;
      const before = await raw`select seq, line, hash from tracks where node = ${id} order by seq`;
      const r = cli(['store', 'migrate', '--from', dir, '--to', target.url, '--force'], { env: en });
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, new RegExp(`the cluster store's chain of node ${id} differs from this directory's \\(entry or checkpoint seq 10\\): nothing moved; audit entries are never written over`));
      const ri = cli(['store', 'migrate', '--from', dir, '--to', target.url, '--force']);
      assert.match(ri.stderr, /berbeda dari rantai di direktori ini \(entri atau checkpoint seq 10\)/);
      assert.deepEqual(await raw`select seq, line, hash from tracks where node = ${id} order by seq`, before, 'the cluster\'s chain as it was');
      // The same chain again with --force: entries there are kept (the same), nothing is duplicated.
      await raw`update tracks set line = replace(line, '"r99"', '"r10"') where node = ${id} and seq = 10`;
      const same = cli(['store', 'migrate', '--from', dir, '--to', target.url, '--force'], { env: en });
      assert.equal(same.code, 0, same.stderr);
      assert.equal((await raw`select count(*)::int as n from tracks where node = ${id}`)[0].n, 50);
    } finally {
      await raw.end();
      await target.drop();
    }
  });

  test('200,000 tracks move in and out page by page: peak memory stays bounded; moving out is one transaction', async () => {
    const target = await freshDatabase('mantra_pgmigrate_big');
    const link = await relay();
    try {
      const N = 200_000;
      const dir = nodeDir(masterKey, dirs);
      const store = openSqliteStore(dir);
      for (let i = 0; i < N; i += 2000) await store.appendTracks([...Array(2000)].map((_, j) => track(i + j + 1, 'n'.repeat(200))));
      store.close();
      openSigningKey(dir, secrets); // a shared key to move
      const lineBytes = N * Buffer.byteLength(encodeLine(N, track(N, 'n'.repeat(200))));

      const moveIn = await measuredMove('in', dir, target.url);
      assert.equal(moveIn.tracks, N);
      const id = fs.readFileSync(path.join(dir, 'node-id'), 'utf8').trim();
      const raw = postgres(target.url, { max: 1, onnotice: () => {} });
      assert.equal((await raw`select count(*)::int as n from tracks where node = ${id}`)[0].n, N);
      await raw.end();

      // Out, into a copy of the node's directory without its store: cut midway, nothing of it lands in DIR.
      const out = nodeDir(masterKey, dirs);
      for (const f of ['audit-signing.key', 'audit-signing.pub', 'node-id']) fs.copyFileSync(path.join(dir, f), path.join(out, f));
      const moving = moveOutOfCluster(link.through(target.url), out, trailMove, { force: false });
      moving.catch(() => {});
      const wal = path.join(out, 'mantra.db-wal');
      await until(() => fs.existsSync(wal) && fs.statSync(wal).size > 8 * 1024 * 1024, 30_000, 'the move under way');
      link.cut();
      await assert.rejects(moving, (e: PgStoreError) => e.problem === 'unreachable');
      const db = new DatabaseSync(path.join(out, 'mantra.db'), { readOnly: true });
      const left = db.prepare('select (select count(*) from entities) as e, (select count(*) from tracks) as t, (select count(*) from sessions) as s').get();
      db.close();
      assert.deepEqual({ ...left }, { e: 0, t: 0, s: 0 }, 'configuration, sessions and trail: all or nothing');
      assert.ok(!fs.existsSync(path.join(out, 'oauth-signing-key.json')), 'no shared key written before the commit');
      link.restore();

      const moveOut = await measuredMove('out', target.url, out);
      assert.equal(moveOut.tracks, N);
      assert.ok(fs.existsSync(path.join(out, 'oauth-signing-key.json')), 'the shared keys after the commit');
      const mb = Math.round(lineBytes / 1048576);
      console.log(`store migrate of ${N} tracks (${mb} MB of lines), ${'Bun' in globalThis ? 'Bun' : 'Deno'}: ` +
        `peak heap held (after a collection) in ${moveIn.retainedMb} MB, out ${moveOut.retainedMb} MB; ` +
        `peak heap in ${moveIn.heapMb} MB, out ${moveOut.heapMb} MB; peak RSS in ${moveIn.rssMb} MB, out ${moveOut.rssMb} MB ` +
        `(at start ${moveIn.baseRssMb} / ${moveOut.baseRssMb} MB)`);
      // Whole, the lines alone would be held (and more as objects); a page at a time is a few MB.
      assert.ok(moveIn.retainedMb < mb / 3, `moving in held ${moveIn.retainedMb} MB`);
      assert.ok(moveOut.retainedMb < mb / 3, `moving out held ${moveOut.retainedMb} MB`);
      const verify = cli(['audit', 'verify', '--data', out], { env: en });
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    } finally {
      await link.close();
      await target.drop();
    }
  });

  test('bad ends and an unreachable server: clear messages, nothing done', () => {
    const dir = nodeDir(masterKey, dirs);
    const both = cli(['store', 'migrate', '--from', dir, '--to', dir], { env: en });
    assert.equal(both.code, 1);
    assert.match(both.stderr, /use "store migrate --from DIR --to postgres/);
    assert.equal(cli(['store', 'migrate', '--to', db.url], { env: en }).code, 1);
    const empty = cli(['store', 'migrate', '--from', dir, '--to', db.url], { env: en });
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /no Mantra store in/);
    const closed = cli(['store', 'migrate', '--from', db.url.replace(/:\d+\//, ':1/'), '--to', dir], { env: en });
    assert.equal(closed.code, 1);
    assert.match(closed.stderr, /PostgreSQL \(--store\) cannot be reached: connection refused/);
    const id = cli(['store', 'migrate', '--from', db.url.replace(/:\d+\//, ':1/'), '--to', dir]);
    assert.match(id.stderr, /tidak dapat dihubungi: koneksi ditolak/);
  });
});
