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
import { freshDatabase, newMasterKey, nodeDir } from '../store/postgres-db.ts';

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

const track = (i: number): TrackInput => ({
  at: new Date().toISOString(), requestId: `r${i}`, interface: 'compat', agency: 'dukcapil', service: 'kependudukan',
  operation: 'penduduk_by_nik', remote: '127.0.0.1', userAgent: 'x', format: 'json', status: 200, code: 200, durationMs: 1 + i,
});

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
