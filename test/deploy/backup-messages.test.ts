/**
 * Why a restore refuses an archive, told whole in the administrator's language: each cause (a file whose bytes do
 * not match the manifest's checksum, a file the archive lacks, a damaged tar header) is a message of its own, so an
 * Indonesian sentence holds no English part. Archives are a real backup of a fresh data directory, re-packed with
 * one thing wrong; the restore runs through the CLI (MANTRA_LANG) and through restoreBackup.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { cli } from '../support/cli.ts';
import { BackupError } from '../../src/store/backup-errors.ts';
import { createBackup } from '../../src/store/backup.ts';
import { restoreBackup } from '../../src/store/backup-restore.ts';
import { readTarGz, type TarFile, tarHeader, writeTarGz } from '../../src/store/backup-tar.ts';
import { openSqliteStore } from '../../src/store/index.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tempDir = (name: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `mantra-${name}-`));
  dirs.push(d);
  return d;
};

/** The entries of an archive, read whole. */
async function entriesOf(file: string): Promise<{ name: string; mode: number; bytes: Buffer }[]> {
  const out: { name: string; mode: number; bytes: Buffer }[] = [];
  await readTarGz(file, async (entry, content) => {
    const parts: Buffer[] = [];
    for await (const piece of content) parts.push(piece);
    out.push({ name: entry.name, mode: entry.mode, bytes: Buffer.concat(parts) });
  });
  return out;
}

async function* once(bytes: Uint8Array) {
  yield bytes;
}
const asTar = (entries: { name: string; mode: number; bytes: Buffer }[]): TarFile[] =>
  entries.map((e) => ({ name: e.name, mode: e.mode, size: e.bytes.length, content: () => once(e.bytes) }));

async function refused(from: string): Promise<BackupError> {
  try {
    await restoreBackup(from, path.join(tempDir('bk-msg-into'), 'data'));
  } catch (err) {
    if (err instanceof BackupError) return err;
    throw err;
  }
  assert.fail('the restore went through');
}

describe('restore: each cause of a damaged backup in its own words', () => {
  const files = tempDir('bk-msg');
  const good = path.join(files, 'good.tar.gz');
  const ready = (async () => {
    const data = tempDir('bk-msg-data');
    openSqliteStore(data).close();
    await createBackup(data, good, { producer: 'test' });
    return await entriesOf(good);
  })();

  test('a file that does not match its checksum: Indonesian through the CLI, English with MANTRA_LANG=en', async () => {
    const entries = (await ready).map((e) => ({ ...e }));
    const store = entries.find((e) => e.name === 'mantra.db')!;
    // Same size, one byte changed: only the checksum can tell.
    store.bytes = Buffer.from(store.bytes);
    store.bytes[store.bytes.length - 1] ^= 0x01;
    const bad = path.join(files, 'checksum.tar.gz');
    await writeTarGz(bad, asTar(entries));

    const id = cli(['restore', '--from', bad, '--data', path.join(tempDir('bk-msg-cli'), 'data')], { env: { MANTRA_LANG: 'id' } });
    assert.equal(id.code, 1);
    assert.equal(id.stderr, `mantra: ${bad} rusak: isi mantra.db tidak cocok dengan checksum SHA-256 di manifes; tidak ada yang dipulihkan\n`);
    const en = cli(['restore', '--from', bad, '--data', path.join(tempDir('bk-msg-cli'), 'data')], { env: { MANTRA_LANG: 'en' } });
    assert.equal(en.stderr, `mantra: ${bad} is damaged: mantra.db does not match its checksum; nothing restored\n`);
  });

  test('a file the archive lacks, and a damaged tar header: whole sentences in both languages', async () => {
    const entries = (await ready).map((e) => ({ ...e }));
    const lacking = path.join(files, 'missing.tar.gz');
    const last = entries.at(-1)!;
    await writeTarGz(lacking, asTar(entries.slice(0, -1)));
    const missing = await refused(lacking);
    assert.equal(missing.text('id'), `${lacking} rusak: ${last.name} tidak ada di arsip; tidak ada yang dipulihkan`);
    assert.equal(missing.text('en'), `${lacking} is damaged: ${last.name} is missing; nothing restored`);

    // The manifest, then a header whose checksum field is wrong.
    const manifest = entries[0];
    const header = tarHeader({ name: 'extra', mode: 0o600, size: 0 });
    header.write('0000000\0', 148, 8, 'ascii');
    const pad = Buffer.alloc((512 - (manifest.bytes.length % 512)) % 512);
    const raw = Buffer.concat([tarHeader({ name: manifest.name, mode: 0o600, size: manifest.bytes.length }), manifest.bytes, pad, header, Buffer.alloc(1024)]);
    const broken = path.join(files, 'header.tar.gz');
    fs.writeFileSync(broken, zlib.gzipSync(raw));
    const e = await refused(broken);
    assert.equal(e.text('id'), `${broken} rusak: kepala entri yang rusak (checksum); tidak ada yang dipulihkan`);
    assert.equal(e.text('en'), `${broken} is damaged: a damaged entry header (checksum); nothing restored`);
    assert.equal(e.message, e.text('en'));
  });

  test('an untouched backup still restores (the re-packing is not what breaks the others)', async () => {
    const entries = (await ready).map((e) => ({ ...e }));
    const same = path.join(files, 'same.tar.gz');
    await writeTarGz(same, asTar(entries));
    const { manifest } = await restoreBackup(same, path.join(tempDir('bk-msg-ok'), 'data'));
    assert.equal(manifest.store, true);
  });
});
