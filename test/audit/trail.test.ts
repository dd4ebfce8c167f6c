/**
 * The trail as evidence: verification recomputes the chain from the stored lines against Ed25519-signed
 * checkpoints and names the first edited, deleted, reordered or truncated entry; retention cuts the trail with a
 * signed checkpoint and it stays verifiable; an export verifies elsewhere with nothing but the public key.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { openSqliteStore, type TrackInput } from '../../src/store/index.ts';
import { openTrailReader } from '../../src/store/trail-reader.ts';
import { loadPublicKey, keyIdOf, PUBLIC_KEY_FILE } from '../../src/audit/keys.ts';
import { verifyExportFile, verifyStored } from '../../src/audit/verify-trail.ts';
import { writeExport } from '../../src/audit/export.ts';
import { reportText } from '../../src/audit/messages.ts';
import { chainText } from '../../src/store/track-line.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-trail-'));
  dirs.push(dir);
  return dir;
}

const track = (i: number, extra: Partial<TrackInput> = {}): TrackInput => ({
  at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(), requestId: `r${i}`, interface: 'v1', agency: i % 2 ? 'a' : 'b',
  service: 's', operation: 'o', consumer: 'c/app', remote: '127.0.0.1', userAgent: 'test', format: 'json', status: 200,
  code: 200, durationMs: 1 + i, params: { nik: `k:${String(i).padStart(22, '0')}` }, ...extra,
});

/** A closed store holding tracks 1…n, a checkpoint after every `every`. */
async function trail(n: number, every = 10): Promise<string> {
  const dir = tempDir();
  const store = openSqliteStore(dir);
  for (let i = 1; i <= n; i++) {
    await store.appendTracks([track(i)]);
    if (i % every === 0) await store.checkpoint();
  }
  store.close();
  return dir;
}

const db = (dir: string) => new DatabaseSync(path.join(dir, 'mantra.db'));
const key = (dir: string) => loadPublicKey(path.join(dir, PUBLIC_KEY_FILE));

async function verify(dir: string) {
  const reader = openTrailReader(path.join(dir, 'mantra.db'));
  try {
    return await verifyStored(reader, key(dir));
  } finally {
    await reader.close();
  }
}

describe('audit trail verification', () => {
  test('an untouched trail verifies: every entry, under signed checkpoints', async () => {
    const dir = await trail(25);
    const report = await verify(dir);
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.deepEqual([report.tracks, report.first, report.last, report.lastCheckpoint?.seq, report.unsigned], [25, 1, 25, 25, 0]);
    assert.ok(report.checkpoints >= 3, 'one every 10 tracks and one at close');
    assert.match(reportText(report, 'id')[0], /Jejak audit utuh: 25 entri/);
  });

  test('one edited byte in a line: the entry is named', async () => {
    const dir = await trail(25);
    const raw = db(dir);
    const { line } = raw.prepare('select line from tracks where seq = 13').get() as { line: string };
    raw.prepare('update tracks set line = ? where seq = 13').run(line.replace('"r13"', '"r1x"'));
    raw.close();
    const report = await verify(dir);
    assert.deepEqual([report.ok, report.problem?.kind, report.problem?.seq, report.problem?.requestId], [false, 'edited', 13, 'r1x']);
    assert.match(reportText(report, 'en')[0], /entry seq 13 \(request r1x\) was changed/);
  });

  test('a deleted entry, a deleted head and a truncated tail are each named', async () => {
    let dir = await trail(25);
    let raw = db(dir);
    raw.exec('delete from tracks where seq = 7');
    raw.close();
    let report = await verify(dir);
    assert.deepEqual([report.problem?.kind, report.problem?.seq, report.problem?.from], ['missing', 8, 7]);

    dir = await trail(25);
    raw = db(dir);
    raw.exec('delete from tracks where seq <= 3');
    raw.close();
    report = await verify(dir);
    assert.deepEqual([report.problem?.kind, report.problem?.seq], ['head_missing', 4]);

    dir = await trail(25);
    raw = db(dir);
    raw.exec('delete from tracks where seq > 22'); // the checkpoint at 25 remembers them
    raw.close();
    report = await verify(dir);
    assert.deepEqual([report.problem?.kind, report.problem?.seq], ['truncated', 23]);
    assert.match(reportText(report, 'id')[0], /berakhir sebelum seq 23/);
  });

  test('reordered entries are found: two lines swapped, or two whole rows', async () => {
    let dir = await trail(25);
    let raw = db(dir);
    const a = raw.prepare('select line, hash from tracks where seq = 5').get() as { line: string; hash: string };
    const b = raw.prepare('select line, hash from tracks where seq = 6').get() as { line: string; hash: string };
    raw.prepare('update tracks set line = ? where seq = 5').run(b.line);
    raw.prepare('update tracks set line = ? where seq = 6').run(a.line);
    raw.close();
    let report = await verify(dir);
    assert.deepEqual([report.ok, report.problem?.seq], [false, 5]);

    dir = await trail(25);
    raw = db(dir);
    raw.exec('update tracks set seq = -5 where seq = 5; update tracks set seq = 5 where seq = 6; update tracks set seq = 6 where seq = -5');
    raw.close();
    report = await verify(dir);
    assert.deepEqual([report.ok, report.problem?.seq], [false, 5]);
  });

  test('an edit with every later hash recomputed is caught by the next signed checkpoint', async () => {
    const dir = await trail(25);
    const raw = db(dir);
    const rows = raw.prepare('select seq, line, hash from tracks order by seq').all() as { seq: number; line: string; hash: string }[];
    let prev = rows[10].hash; // entry 11 untouched
    for (const r of rows.slice(11)) {
      const line = r.seq === 12 ? r.line.replace('"r12"', '"rXX"') : r.line;
      const hash = createHash('sha256').update(chainText(prev, line)).digest('hex');
      raw.prepare('update tracks set line = ?, hash = ? where seq = ?').run(line, hash, r.seq);
      prev = hash;
    }
    raw.close();
    const report = await verify(dir);
    assert.deepEqual([report.problem?.kind, report.problem?.seq, report.problem?.from], ['checkpoint_mismatch', 20, 11]);
  });

  test('a forged checkpoint and another installation\'s key are refused', async () => {
    const dir = await trail(25);
    const raw = db(dir);
    raw.exec(`update checkpoints set hash = '${'f'.repeat(64)}' where seq = 20`);
    raw.close();
    assert.deepEqual([(await verify(dir)).problem?.kind, (await verify(dir)).problem?.seq], ['bad_signature', 20]);
    const other = await trail(3);
    const reader = openTrailReader(path.join(other, 'mantra.db'));
    const report = await verifyStored(reader, key(dir));
    await reader.close();
    assert.equal(report.problem?.kind, 'bad_signature');
  });
});

describe('retention', () => {
  async function store(n: number, retention: { days?: number; megabytes?: number }, note?: string) {
    const dir = tempDir();
    const s = openSqliteStore(dir);
    await s.put('settings', { retention: { days: 0, megabytes: 0, ...retention } } as never, 0);
    for (let i = 1; i <= n; i++) await s.appendTracks([track(i, { note, at: new Date(Date.now() - (n - i) * 3_600_000).toISOString() })]);
    await s.checkpoint();
    return { dir, s };
  }

  test('by age: a signed cut replaces what went, and the rest still verifies; pruning again changes nothing', async () => {
    const { dir, s } = await store(72, { days: 1 }); // one track an hour over three days
    const result = await s.prune();
    assert.equal(result.cut, 48, 'everything older than a day');
    assert.equal(result.removed, 48);
    await s.appendTracks([track(73, { at: new Date().toISOString() })]);
    assert.deepEqual(await s.prune(), { removed: 0 });
    s.close();
    const report = await verify(dir);
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.deepEqual([report.cut, report.first, report.last], [48, 49, 73]);
    assert.match(reportText(report, 'en').join('\n'), /up to seq 48 were removed by retention/);
  });

  test('by size: the oldest go until the trail fits; the chain goes on across the cut', async () => {
    const { dir, s } = await store(3000, { megabytes: 0 }, 'x'.repeat(400));
    s.close();
    const again = openSqliteStore(dir);
    await again.put('settings', { retention: { days: 0, megabytes: 1 } } as never);
    const result = await again.prune();
    again.close();
    const raw = db(dir);
    const { n, bytes } = raw.prepare('select count(*) as n, sum(length(line)) + count(*) * 80 as bytes from tracks').get() as { n: number; bytes: number };
    raw.close();
    assert.ok(result.removed > 0 && bytes <= 1024 * 1024, `${n} tracks, ${bytes} bytes left`);
    const report = await verify(dir);
    assert.equal(report.ok, true, JSON.stringify(report.problem));
  });

  test('retention that removed every entry: the chain goes on from the cut, also after a restart', async () => {
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const fresh = tempDir();
    const t = openSqliteStore(fresh);
    await t.put('settings', { retention: { days: 1, megabytes: 0 } } as never, 0);
    for (let i = 1; i <= 5; i++) await t.appendTracks([track(i, { at: old })]);
    const result = await t.prune();
    assert.deepEqual([result.cut, result.removed], [5, 5]);
    await t.appendTracks([track(6, { at: new Date().toISOString() })]);
    t.close();
    const again = openSqliteStore(fresh);
    await again.appendTracks([track(7, { at: new Date().toISOString() })]);
    again.close();
    const report = await verify(fresh);
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.deepEqual([report.cut, report.first, report.last], [5, 6, 7]);
  });

  test('a head deleted beyond the signed cut is still found', async () => {
    const { dir, s } = await store(30, { days: 1 });
    await s.prune();
    s.close();
    const raw = db(dir);
    raw.exec('delete from tracks where seq = (select min(seq) from tracks)');
    raw.close();
    assert.equal((await verify(dir)).problem?.kind, 'missing');
  });
});

describe('export', () => {
  async function exportOf(dir: string, filters = {}) {
    const file = path.join(tempDir(), 'trail.ndjson');
    const reader = openTrailReader(path.join(dir, 'mantra.db'));
    let text = '';
    await writeExport(reader, { format: 'ndjson', filters, keyId: key(dir).keyId, write: (t) => void (text += t) });
    await reader.close();
    fs.writeFileSync(file, text);
    return file;
  }

  test('an export verifies elsewhere with only the public key; a changed one does not', async () => {
    const dir = await trail(40);
    const file = await exportOf(dir);
    const elsewhere = tempDir();
    const pub = path.join(elsewhere, 'mantra-a.pub');
    fs.copyFileSync(path.join(dir, PUBLIC_KEY_FILE), pub);
    fs.rmSync(dir, { recursive: true, force: true }); // the installation is gone: only the file and the key remain
    const report = await verifyExportFile(file, loadPublicKey(pub));
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.equal(report.tracks, 40);

    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"requestId":"r17"'));
    const changed = [...lines];
    changed[at] = changed[at].replace('"status":200', '"status":201'); // the readable field, not the line
    fs.writeFileSync(file, changed.join('\n'));
    let bad = await verifyExportFile(file, loadPublicKey(pub));
    assert.deepEqual([bad.problem?.kind, bad.problem?.seq, bad.problem?.detail], ['edited', 17, 'fields']);

    fs.writeFileSync(file, lines.filter((_, i) => i !== at).join('\n'));
    bad = await verifyExportFile(file, loadPublicKey(pub));
    assert.deepEqual([bad.problem?.kind, bad.problem?.seq], ['missing', 18]);

    fs.writeFileSync(file, lines.filter((l) => !l.includes('"type":"end"')).join('\n'));
    bad = await verifyExportFile(file, loadPublicKey(pub));
    assert.deepEqual([bad.problem?.kind, bad.problem?.detail], ['truncated', 'export']);

    const stranger = path.join(elsewhere, 'other.pub');
    const { publicKey } = generateKeyPairSync('ed25519');
    fs.writeFileSync(stranger, publicKey.export({ type: 'spki', format: 'pem' }));
    fs.writeFileSync(file, lines.join('\n'));
    bad = await verifyExportFile(file, { publicKey, keyId: keyIdOf(publicKey) });
    assert.equal(bad.problem?.kind, 'bad_signature');
  });

  test('a filtered export: each entry verifies on its own, completeness is not claimed', async () => {
    const dir = await trail(20);
    const file = await exportOf(dir, { agency: 'a' });
    const report = await verifyExportFile(file, key(dir));
    assert.deepEqual([report.ok, report.partial, report.tracks], [true, true, 10]);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"requestId":"r5"'));
    lines[at] = lines[at].replace('\\"r5\\"', '\\"r6\\"').replace('"requestId":"r5"', '"requestId":"r6"');
    fs.writeFileSync(file, lines.join('\n'));
    const bad = await verifyExportFile(file, key(dir));
    assert.deepEqual([bad.problem?.kind, bad.problem?.seq], ['edited', 5]);
  });
});
