/**
 * `mantra restore`: a backup (see backup.ts) back into an empty or new data directory. Every file is checked
 * against the manifest's size and SHA-256 as it is written; any damage, a name the manifest does not list, or a
 * store newer than this Mantra leaves the directory as empty as it was. The tracks of the backup's log file are
 * taken over by the first start, which chains them and signs a checkpoint.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { migrations } from './migrations.ts';
import { claimDataDir } from './data-dir.ts';
import { BackupError } from './backup-errors.ts';
import { readTarGz, TarError } from './backup-tar.ts';
import { BACKUP_FORMAT, BACKUP_VERSION, MANIFEST, type Manifest, STORE_FILE } from './backup.ts';

export interface RestoreResult {
  manifest: Manifest;
}

const SAFE_NAME = /^(?!.*(^|\/)\.\.?(\/|$))[\w.@+-]+(\/[\w.@+-]+)*$/;

function readManifest(bytes: Buffer, file: string): Manifest {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BackupError('not_backup', { file });
  }
  if (manifest?.format !== BACKUP_FORMAT || manifest.version !== BACKUP_VERSION || !Array.isArray(manifest.files)) {
    throw new BackupError('not_backup', { file });
  }
  for (const f of manifest.files) {
    if (typeof f?.name !== 'string' || !SAFE_NAME.test(f.name) || f.name === MANIFEST || !Number.isSafeInteger(f.size) || typeof f.sha256 !== 'string') {
      throw new BackupError('damaged', { file }, { key: 'manifest_entry' });
    }
  }
  if (manifest.store !== manifest.files.some((f) => f.name === STORE_FILE)) throw new BackupError('damaged', { file }, { key: 'manifest_store' });
  if (manifest.schema > migrations.length) throw new BackupError('newer', { schema: manifest.schema, expected: migrations.length });
  return manifest;
}

async function collect(content: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const piece of content) {
    size += piece.length;
    if (size > limit) throw new TarError('manifest_large');
    parts.push(piece);
  }
  return Buffer.concat(parts);
}

function isEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/** Restores `from` into `dir`, which must be empty or not exist. */
export async function restoreBackup(from: string, dir: string): Promise<RestoreResult> {
  if (!fs.existsSync(from)) throw new BackupError('not_backup', { file: from });
  if (!isEmptyDir(dir)) throw new BackupError('not_empty', { dir });
  const existed = fs.existsSync(dir);
  // The lock keeps a server from starting on a half-restored directory.
  const release = claimDataDir(dir);
  let manifest: Manifest | undefined;
  const written = new Set<string>();
  let failed = false;
  try {
    await readTarGz(from, async (entry, content) => {
      if (!manifest) {
        if (entry.name !== MANIFEST) throw new BackupError('not_backup', { file: from });
        manifest = readManifest(await collect(content, 16 << 20), from);
        return;
      }
      const expected = manifest.files.find((f) => f.name === entry.name);
      if (!expected || written.has(entry.name)) throw new BackupError('damaged', { file: from }, { key: 'unlisted', vars: { name: entry.name } });
      if (entry.size !== expected.size) throw new BackupError('damaged', { file: from }, { key: 'size', vars: { name: entry.name } });
      const target = path.join(dir, ...entry.name.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      const fd = fs.openSync(target, 'wx', expected.mode === 0o644 ? 0o644 : 0o600);
      written.add(entry.name);
      const hash = createHash('sha256');
      try {
        for await (const piece of content) {
          hash.update(piece);
          for (let off = 0; off < piece.length;) off += fs.writeSync(fd, piece, off);
        }
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      if (hash.digest('hex') !== expected.sha256) throw new BackupError('damaged', { file: from }, { key: 'checksum', vars: { name: entry.name } });
    });
    if (!manifest) throw new BackupError('not_backup', { file: from });
    const missing = manifest.files.filter((f) => !written.has(f.name));
    if (missing.length) throw new BackupError('damaged', { file: from }, { key: 'missing', vars: { name: missing[0].name } });
    return { manifest };
  } catch (err) {
    // The directory was empty: it is left so, whatever was written.
    for (const entry of fs.readdirSync(dir)) if (entry !== 'mantra.lock') fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    failed = !existed;
    if (err instanceof TarError) throw new BackupError(manifest ? 'damaged' : 'not_backup', { file: from }, err.detail);
    throw err;
  } finally {
    release();
    if (failed) fs.rmSync(dir, { recursive: true, force: true });
  }
}
