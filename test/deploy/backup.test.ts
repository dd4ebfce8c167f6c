/**
 * `mantra backup` while a real server is under load, and `mantra restore` of it, end to end through the CLI:
 * every call answered before the backup began is in the restored trail, `mantra audit verify` passes on the
 * restored directory, and the restored server answers with the old subscription key, accepts an OAuth2 token
 * issued before the backup and signs answers with the same agency key. Then the refusals: a non-empty directory,
 * a damaged or foreign archive (the directory left empty), an existing backup file; and a backup without the
 * master key, restored and started with the key given apart.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { cli, runtimeArgs, serveCli } from '../support/cli.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { TrackLog } from '../../src/store/track-log.ts';
import { loadParamKey, loadSigningKey } from '../../src/audit/keys.ts';
import { CALL_PATH, configure, KEY } from './fixture.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tempDir = (name: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `mantra-${name}-`));
  dirs.push(d);
  return d;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const env = { MANTRA_ADMIN_PASSWORD: 'backup-test-password-1', MANTRA_LOG_LEVEL: 'error' };
const main = new URL('../../src/main.ts', import.meta.url).pathname;

/** The CLI without blocking this process: the load keeps running while it works. */
function cliAsync(args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...runtimeArgs, main, ...args], { env: { ...process.env, ...extra } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const call = (base: string, headers: Record<string, string>) => fetch(`${base}${CALL_PATH}`, { headers });
/** The `kid` in the protected header of an answer's detached JWS. */
const kidOf = (res: Response) => JSON.parse(Buffer.from(res.headers.get('x-jws-signature')!.split('.')[0], 'base64url').toString()).kid;

async function tokenOf(base: string): Promise<string> {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'pemda/app', client_secret: KEY }).toString(),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()).access_token;
}

/** Calls from `workers` loops until stopped; the ids of the calls that got a whole, right answer, and when. */
function load(base: string, workers: number) {
  const answered = new Map<string, number>();
  let n = 0;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const id = `bk-${String(n++).padStart(6, '0')}`;
      try {
        const res = await call(base, { 'X-API-Key': KEY, 'X-Request-Id': id });
        const body = await res.json();
        if (res.status === 200 && body.data?.[0]?.nama === 'Siti') answered.set(id, performance.now());
      } catch {
        // not answered
      }
    }
  };
  const loops = Array.from({ length: workers }, loop);
  return { answered, stop: async () => ((stopped = true), await Promise.all(loops)) };
}

function exportedIds(dir: string): Set<string> {
  const out = path.join(tempDir('bk-export'), 'trail.ndjson');
  const r = cli(['audit', 'export', '--data', dir, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return new Set(lines.filter((l) => l.type === 'track').map((l) => l.requestId));
}

const tarList = (file: string) => spawnSync('tar', ['-tzf', file], { encoding: 'utf8' }).stdout.trim().split('\n').sort();

describe('mantra backup and restore', () => {
  const dir = tempDir('bk-data');
  const backups = tempDir('bk-files');
  const archive = path.join(backups, 'mantra.tar.gz');
  let kid = '';
  let token = '';
  let masterKey = '';

  test('a backup under load, restored: the trail verifies, the old key, token and signing key work', { timeout: 180_000 }, async () => {
    await configure(dir, tempDir('bk-sqlite'));
    masterKey = fs.readFileSync(path.join(dir, 'master.key'), 'utf8').trim();
    const server = serveCli(['--data', dir, '--port', '0', '--workers', '0'], env);
    let began = 0;
    let traffic: ReturnType<typeof load> | undefined;
    try {
      const base = await server.ready;
      const first = await call(base, { 'X-API-Key': KEY });
      assert.equal(first.status, 200);
      kid = kidOf(first);
      token = await tokenOf(base);
      traffic = load(base, 8);
      await sleep(1500);
      began = performance.now();
      const made = await cliAsync(['backup', '--data', dir, '--to', archive], { MANTRA_LANG: 'en' });
      assert.equal(made.code, 0, made.stderr);
      assert.match(made.stdout, /Backup written to .*mantra\.tar\.gz/);
      assert.match(made.stdout, /This backup holds the master key .*: the backup is a secret/);
      await sleep(300);
    } finally {
      await traffic?.stop();
      await server.kill();
    }
    const before = [...traffic!.answered].filter(([, at]) => at < began).map(([id]) => id);
    assert.ok(before.length > 100, `calls answered before the backup: ${before.length}`);
    assert.ok(traffic!.answered.size > before.length, 'calls were answered while the backup ran');

    assert.equal(fs.statSync(archive).mode & 0o777, 0o600);
    const names = tarList(archive);
    for (const name of ['mantra-backup.json', 'mantra.db', 'master.key', 'audit.key', 'audit-signing.key', 'audit-signing.pub',
      'oauth-signing-key.json', 'agency-keys/pemda.json']) assert.ok(names.includes(name), `${name} in ${names.join(' ')}`);
    assert.ok(!names.some((n) => /mantra\.(lock|db-wal|db-shm)$/.test(n)), names.join(' '));

    const restored = path.join(tempDir('bk-restored'), 'data');
    const r = cli(['restore', '--from', archive, '--data', restored], { env: { MANTRA_LANG: 'en' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Restored into /);
    const verified = cli(['audit', 'verify', '--data', restored]);
    assert.equal(verified.code, 0, verified.stderr);

    const again = serveCli(['--data', restored, '--port', '0', '--workers', '0'], env);
    try {
      const base = await again.ready;
      const withKey = await call(base, { 'X-API-Key': KEY });
      assert.equal(withKey.status, 200);
      assert.equal((await withKey.json()).data[0].nama, 'Siti');
      assert.equal(kidOf(withKey), kid, 'answers signed with the same agency key');
      const withToken = await call(base, { authorization: `Bearer ${token}` });
      assert.equal(withToken.status, 200, 'a token issued before the backup');
      assert.equal((await call(base, { 'X-API-Key': 'some-other-key-00001' })).status, 403);
    } finally {
      await again.kill();
    }
    const ids = exportedIds(restored);
    const lost = before.filter((id) => !ids.has(id));
    assert.deepEqual(lost, [], `answered before the backup began, not in the restored trail (${lost.length} of ${before.length})`);
    const after = cli(['audit', 'verify', '--data', restored]);
    assert.equal(after.code, 0, after.stderr);
    assert.doesNotMatch(after.stderr, /track log/, 'every track of the backup is in the trail after the first start');
  });

  test('tracks only in the track log (as a killed server leaves them) are in the backup and in the restored trail', { timeout: 60_000 }, async () => {
    const left = tempDir('bk-left');
    openSqliteStore(left).close();
    // The server's own track log, written without a store to move the lines on: what kill -9 leaves behind.
    const log = new TrackLog(path.join(left, 'tracks'), 0);
    const at = new Date().toISOString();
    log.append(Array.from({ length: 50 }, (_, i) => ({
      at, requestId: `left-${i}`, interface: 'v1', agency: 'pemda', service: 'warga', operation: 'cari', remote: '192.0.2.7',
      userAgent: 'test', format: 'json', status: 200, code: 200, durationMs: 1,
    })));
    log.close();
    const file = path.join(backups, 'left.tar.gz');
    const made = cli(['backup', '--data', left, '--to', file], { env: { MANTRA_LANG: 'en' } });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /tracks up to 0\), 50 tracks from the track log/);
    const restored = tempDir('bk-left-restored');
    assert.equal(cli(['restore', '--from', file, '--data', restored]).code, 0);
    const before = cli(['audit', 'verify', '--data', restored], { env: { MANTRA_LANG: 'en' } });
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stderr, /50 tracks wait in the track log/);
    const server = serveCli(['--data', restored, '--port', '0', '--workers', '0'], env);
    await server.ready;
    await server.kill();
    const ids = exportedIds(restored);
    for (let i = 0; i < 50; i++) assert.ok(ids.has(`left-${i}`), `left-${i}`);
    assert.equal(cli(['audit', 'verify', '--data', restored]).code, 0);
  });

  test('restore refuses a non-empty directory, a damaged or foreign archive; backup refuses an existing file', { timeout: 60_000 }, () => {
    const full = tempDir('bk-full');
    fs.writeFileSync(path.join(full, 'something'), 'x');
    const busy = cli(['restore', '--from', archive, '--data', full]);
    assert.equal(busy.code, 1);
    assert.equal(busy.stderr.trim(), `mantra: ${full} tidak kosong: cadangan hanya dipulihkan ke direktori kosong atau baru`);
    assert.deepEqual(fs.readdirSync(full), ['something']);

    const bytes = fs.readFileSync(archive);
    const damaged = path.join(tempDir('bk-damaged'), 'damaged.tar.gz');
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(damaged, flipped);
    const cut = path.join(path.dirname(damaged), 'cut.tar.gz');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    for (const file of [damaged, cut]) {
      const into = tempDir('bk-into');
      const r = cli(['restore', '--from', file, '--data', into], { env: { MANTRA_LANG: 'en' } });
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /is damaged: .*; nothing restored|is not a Mantra backup/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.deepEqual(fs.readdirSync(into), [], 'left empty');
    }
    const fresh = path.join(tempDir('bk-new'), 'data');
    const foreign = cli(['restore', '--from', '/etc/hostname', '--data', fresh]);
    assert.equal(foreign.code, 1);
    assert.equal(foreign.stderr.trim(), 'mantra: /etc/hostname bukan cadangan Mantra');
    assert.equal(fs.existsSync(fresh), false, 'a directory it made is gone again');

    const exists = cli(['backup', '--data', dir, '--to', archive]);
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /sudah ada; beri cadangan nama baru/);
    assert.ok(fs.readFileSync(archive).equals(bytes), 'the existing backup is untouched');
    const none = cli(['backup', '--data', tempDir('bk-none'), '--to', path.join(backups, 'none.tar.gz')]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /tidak ada penyimpanan atau kunci Mantra/);
    assert.equal(cli(['backup', '--data', dir]).code, 1);
  });

  test('a cluster node\'s directory (keys and a track log, no store file): backed up and restored without a store', { timeout: 60_000 }, () => {
    const node = tempDir('bk-node');
    loadSigningKey(node);
    loadParamKey(node);
    fs.writeFileSync(path.join(node, 'node-id'), 'node-a-0f0f0f\n');
    const log = new TrackLog(path.join(node, 'tracks'), 41);
    log.append([{ at: new Date().toISOString(), requestId: 'node-42', interface: 'v1', agency: 'a', service: 's', operation: 'o',
      remote: '192.0.2.8', userAgent: 'test', format: 'json', status: 200, code: 200, durationMs: 1 }]);
    log.close();
    const file = path.join(backups, 'node.tar.gz');
    const made = cli(['backup', '--data', node, '--to', file], { env: { MANTRA_LANG: 'en' } });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /has no store \(a cluster node: back its store up with pg_dump\), 1 tracks from the track log/);
    assert.deepEqual(tarList(file), ['audit-signing.key', 'audit-signing.pub', 'audit.key', 'mantra-backup.json', 'master.key', 'node-id',
      'tracks/tracks-000000000001.log']);
    const restored = path.join(tempDir('bk-node-restored'), 'data');
    const r = cli(['restore', '--from', file, '--data', restored], { env: { MANTRA_LANG: 'en' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no store: restore the cluster store with pg_restore/);
    assert.equal(fs.readFileSync(path.join(restored, 'node-id'), 'utf8'), 'node-a-0f0f0f\n');
    assert.equal(fs.readFileSync(path.join(restored, 'audit-signing.key'), 'utf8'), fs.readFileSync(path.join(node, 'audit-signing.key'), 'utf8'));
    assert.match(fs.readFileSync(path.join(restored, 'tracks', 'tracks-000000000001.log'), 'utf8'), /^\[42,.*"node-42"/);
    assert.equal(fs.existsSync(path.join(restored, 'mantra.db')), false);
  });

  test('--without-master-key: not in the archive; restored and started with the key given apart', { timeout: 60_000 }, async () => {
    const file = path.join(backups, 'no-key.tar.gz');
    const made = cli(['backup', '--data', dir, '--to', file, '--without-master-key'], { env: { MANTRA_LANG: 'en' } });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /The master key is not in this backup/);
    assert.ok(!tarList(file).includes('master.key'));
    const restored = tempDir('bk-nokey');
    const r = cli(['restore', '--from', file, '--data', restored], { env: { MANTRA_LANG: 'en' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /This backup has no master key: put the installation's master key in/);
    assert.equal(fs.existsSync(path.join(restored, 'master.key')), false);
    const server = serveCli(['--data', restored, '--port', '0', '--workers', '0'], { ...env, MANTRA_MASTER_KEY: masterKey });
    try {
      const base = await server.ready;
      assert.equal((await call(base, { 'X-API-Key': KEY })).status, 200);
    } finally {
      await server.kill();
    }
  });
});
