/**
 * The trail survives a crash and tells on tampering, end to end with the real CLI and server: `kill -9` of a server
 * under load, a restart, and every call that received a whole answer has its track in `mantra audit export`;
 * `mantra audit verify` passes, also beside a running server (read-only commands take no lock); then one byte
 * edited in the stored trail makes it fail and name the entry. An export verifies elsewhere with the public key.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { cli, serveCli } from '../support/cli.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { loadMasterKey, Secrets } from '../../src/security/index.ts';
import { kinds } from '../../src/model/index.ts';

const KEY = 'crash-test-key-0001';
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tempDir = (name: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `mantra-${name}-`));
  dirs.push(d);
  return d;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rid = (n: number) => `kill-${String(n).padStart(6, '0')}`;

/** A data dir with one data operation over a SQLite file (outside it) and a key for it. */
async function configure(dir: string, files: string) {
  const file = path.join(files, 'warga.db');
  const db = new DatabaseSync(file);
  db.exec(`create table warga (nik text, nama text); insert into warga values ('3201000000000001', 'Siti');`);
  db.close();
  const store = openSqliteStore(dir);
  const secrets = new Secrets(loadMasterKey(dir));
  const put = (kind: keyof typeof kinds, body: unknown) => store.put(kind, (kinds[kind].schema as any).parse(body), 0);
  try {
    await put('settings', { fileRoots: [files] });
    await put('agency', { slug: 'pemda', name: 'Pemda' });
    await put('connector', { agency: 'pemda', slug: 'db', kind: 'sqlite', path: file });
    await put('service', { agency: 'pemda', slug: 'warga' });
    await put('operation', {
      agency: 'pemda', service: 'warga', slug: 'cari', kind: 'data', params: [{ name: 'nik' }],
      data: { form: 'sql', connector: 'db', sql: 'select nik, nama from warga where nik = :nik' },
    });
    await put('subscription', {
      id: 'bank-cari', consumer: 'pemda/app', agency: 'pemda', service: 'warga', operation: 'cari', status: 'approved',
      keyHash: secrets.hashKey(KEY), purpose: 'Uji',
    });
  } finally {
    store.close();
  }
}

/** Calls the operation from `workers` loops until stopped; the ids of the calls that got a whole, right answer. */
function load(base: string, workers: number) {
  const whole = new Set<string>();
  let n = 0;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const id = rid(n++);
      try {
        const res = await fetch(`${base}/v1/pemda/warga/cari?nik=3201000000000001`, { headers: { 'X-API-Key': KEY, 'X-Request-Id': id } });
        const body = await res.json();
        if (res.status === 200 && res.headers.get('x-request-id') === id && body.data?.[0]?.nama === 'Siti') whole.add(id);
      } catch {
        // the server went away mid-call: no whole answer
      }
    }
  };
  const loops = Array.from({ length: workers }, loop);
  return { whole, sent: () => n, stop: async () => ((stopped = true), await Promise.all(loops)) };
}

function exported(dir: string): { tracks: any[]; text: string } {
  const out = path.join(tempDir('crash-export'), 'trail.ndjson');
  const r = cli(['audit', 'export', '--data', dir, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const text = fs.readFileSync(out, 'utf8');
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].type, 'header');
  assert.equal(lines.at(-1).type, 'end');
  return { tracks: lines.filter((l) => l.type === 'track'), text };
}

describe('audit trail across a crash', () => {
  test('kill -9 under load, restart: every whole answer tracked, the trail verifies; one edited byte is named', { timeout: 120_000 }, async () => {
    const dir = tempDir('crash');
    await configure(dir, tempDir('crash-files'));
    const env = { MANTRA_ADMIN_PASSWORD: 'crash-test-password-1', MANTRA_LOG_LEVEL: 'error' };

    const server = serveCli(['--data', dir, '--port', '0', '--workers', '0'], env);
    const base = await server.ready;
    const traffic = load(base, 16);
    await sleep(1500);
    await server.kill('SIGKILL');
    await traffic.stop();
    assert.ok(traffic.whole.size > 100, `calls answered before the kill: ${traffic.whole.size} of ${traffic.sent()}`);

    const again = serveCli(['--data', dir, '--port', '0', '--workers', '0'], env);
    await again.ready;
    // Read-only commands beside the running server: no lock refusal.
    const beside = cli(['audit', 'verify', '--data', dir]);
    assert.equal(beside.code, 0, beside.stderr);
    assert.equal(cli(['config', 'export', '--data', dir]).code, 0);
    assert.ok(exported(dir).tracks.length > 0);
    await again.kill();

    const { tracks, text } = exported(dir);
    const ids = new Set(tracks.map((t) => t.requestId));
    const lost = [...traffic.whole].filter((id) => !ids.has(id));
    assert.deepEqual(lost, [], `whole answers without a track (${lost.length} of ${traffic.whole.size})`);
    const verified = cli(['audit', 'verify', '--data', dir]);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, new RegExp(`Jejak audit utuh: ${tracks.length} entri`));

    // Another installation's view: the export and the public key alone, no data directory.
    const elsewhere = tempDir('crash-elsewhere');
    fs.writeFileSync(path.join(elsewhere, 'trail.ndjson'), text);
    fs.copyFileSync(path.join(dir, 'audit-signing.pub'), path.join(elsewhere, 'mantra.pub'));
    const offline = cli(['audit', 'verify', '--export', path.join(elsewhere, 'trail.ndjson'), '--public-key', path.join(elsewhere, 'mantra.pub')], { env: { MANTRA_LANG: 'en' } });
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /Audit trail intact/);

    // One byte of the stored trail edited: the first occurrence of a request id that is the live row.
    const victim = tracks[Math.floor(tracks.length / 2)];
    const file = path.join(dir, 'mantra.db');
    const original = fs.readFileSync(file);
    const needle = Buffer.from(`"${victim.requestId}"`);
    let named: string | undefined;
    for (let at = original.indexOf(needle); at >= 0 && !named; at = original.indexOf(needle, at + 1)) {
      const bytes = Buffer.from(original);
      bytes[at + needle.length - 2] ^= 0x01; // the id's last digit
      fs.writeFileSync(file, bytes);
      const r = cli(['audit', 'verify', '--data', dir]);
      if (r.code === 0) continue; // a stale copy in a free page
      assert.equal(r.code, 3, r.stderr);
      named = r.stderr;
    }
    assert.ok(named, 'the edit was found');
    assert.match(named, new RegExp(`entri seq ${victim.seq} \\(permintaan kill-\\d+\\) telah diubah`));
  });
});
