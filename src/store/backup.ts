/**
 * `mantra backup`: a consistent copy of a data directory, taken while the server runs, in one .tar.gz:
 * - `mantra-backup.json`, the manifest (first): what the archive holds, each file's size and SHA-256;
 * - `mantra.db`, the store as one SQLite snapshot, made with SQLite's online backup API (`backup()` of node:sqlite,
 *   in Bun and Deno alike) in a single step: a paced backup starts over whenever the server commits, which under
 *   load is every 50 ms, so it would never end;
 * - `tracks/…log`, the tracks that were in the track log but not yet in that snapshot;
 * - every other file of the directory: master.key (unless left out), the trail's keys, the OAuth2 token and
 *   answer-signing keys, the import ledger and programs.
 * The track log is read before the snapshot is taken: a segment is deleted only once its tracks are in the table,
 * so whatever the snapshot lacks is still in what was read, and the two together hold every track up to the
 * snapshot or later, without a gap. Read-only on the data directory: it takes no lock and writes nothing there.
 * A cluster node's directory has no store file (its store is PostgreSQL, backed up with pg_dump): its backup holds
 * the keys and the track log alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { backup as sqliteBackup, DatabaseSync } from 'node:sqlite';
import { TrackLog } from './track-log.ts';
import { BackupError } from './backup-errors.ts';
import { TarError, type TarFile, writeTarGz } from './backup-tar.ts';

export const MANIFEST = 'mantra-backup.json';
export const BACKUP_FORMAT = 'mantra-backup';
export const BACKUP_VERSION = 1;
export const STORE_FILE = 'mantra.db';
/** The tracks of the track log that the snapshot lacks, as one segment the first start takes over. */
export const LOG_FILE = 'tracks/tracks-000000000001.log';
export const MASTER_KEY_FILE = 'master.key';
/** Files that mark a directory as Mantra's when it has no store file (a cluster node). */
const NODE_FILES = [MASTER_KEY_FILE, 'audit-signing.key', 'node-id'];

/** What is never copied as a file: the store (snapshot instead), its SQLite side files, the lock, the track log. */
const NOT_COPIED = new Set([STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`, `${STORE_FILE}-journal`, 'mantra.lock', 'tracks']);

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** The Mantra version that wrote it. */
  mantra: string;
  createdAt: string;
  /** Whether the archive holds a store (a cluster node's does not). */
  store: boolean;
  /** The store's schema version (pragma user_version); 0 without a store. */
  schema: number;
  /** The last track in the store's snapshot, and how many more the log file carries. */
  lastSeq: number;
  loggedTracks: number;
  masterKey: boolean;
  files: { name: string; size: number; sha256: string; mode: number }[];
}

export interface BackupOptions {
  withoutMasterKey?: boolean;
  /** The Mantra version, for the manifest. */
  producer: string;
}

export interface BackupResult {
  manifest: Manifest;
  /** Size of the archive. */
  bytes: number;
  /** Entries of the directory that are not regular files, left out. */
  skipped: string[];
}

const seqOf = (line: string) => Number(line.slice(1, line.indexOf(',')));

/** Every whole line of the track log's segments, oldest first; a segment deleted meanwhile is simply gone. */
function readTrackLog(dir: string): string[] {
  const lines: string[] = [];
  for (const file of TrackLog.segments(path.join(dir, 'tracks'))) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // ingested and deleted since the listing
      throw err;
    }
    // A line is whole once its newline is written; what follows the last one is being written (or was torn).
    const whole = text.slice(0, text.lastIndexOf('\n') + 1);
    for (const line of whole.split('\n')) if (line) lines.push(line);
  }
  return lines;
}

/** The lines after `lastSeq`, as the store's ingestion would take them: each seq once, in order, no gap. */
function linesAfter(lines: string[], lastSeq: number): string[] {
  const kept: string[] = [];
  let last = lastSeq;
  for (const line of lines) {
    const seq = seqOf(line);
    if (!Number.isInteger(seq) || seq <= last) continue;
    if (seq !== last + 1) throw new BackupError('log_changed', { from: last + 1, to: seq - 1 });
    kept.push(line);
    last = seq;
  }
  return kept;
}

/** The store as one SQLite snapshot: one backup step, holding one read transaction (see the file's head). */
async function snapshotStore(storeFile: string, snapshot: string) {
  const source = new DatabaseSync(storeFile, { readOnly: true });
  try {
    source.exec('pragma busy_timeout = 5000');
    await sqliteBackup(source, snapshot, { rate: -1 });
  } catch (err) {
    throw new BackupError('copy_failed', { cause: (err as Error).message });
  } finally {
    source.close();
  }
  fs.chmodSync(snapshot, 0o600);
}

/** Checks the snapshot and reads what the manifest says of it. */
function inspectSnapshot(file: string): { schema: number; lastSeq: number } {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const check = (db.prepare('pragma quick_check').get() as { quick_check: string }).quick_check;
    if (check !== 'ok') throw new Error(check);
    const schema = (db.prepare('pragma user_version').get() as { user_version: number }).user_version;
    const last = db.prepare('select max(seq) as seq from tracks').get() as { seq: number | null };
    return { schema, lastSeq: last.seq ?? 0 };
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError('copy_failed', { cause: (err as Error).message });
  } finally {
    db?.close();
  }
}

/** The directory's other files, relative names in `/` form, read whole (keys and ledgers: a few kilobytes). */
function otherFiles(dir: string, withoutMasterKey: boolean) {
  const files: { name: string; bytes: Buffer; mode: number }[] = [];
  const skipped: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (!rel && NOT_COPIED.has(name)) continue;
      if (name === MASTER_KEY_FILE && withoutMasterKey) continue;
      if (entry.isDirectory()) walk(name);
      else if (entry.isFile()) {
        const full = path.join(dir, name);
        files.push({ name, bytes: fs.readFileSync(full), mode: fs.statSync(full).mode & 0o777 });
      } else skipped.push(name);
    }
  };
  walk('');
  return { files, skipped };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of fs.createReadStream(file)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

async function* chunksOf(file: string): AsyncIterable<Uint8Array> {
  for await (const piece of fs.createReadStream(file, { highWaterMark: 1 << 20 })) yield piece as Buffer;
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Writes the backup of `dir` to `to` (which must not exist yet), mode 0600. */
export async function createBackup(dir: string, to: string, opts: BackupOptions): Promise<BackupResult> {
  const storeFile = path.join(dir, STORE_FILE);
  const hasStore = fs.existsSync(storeFile);
  if (!hasStore && !NODE_FILES.some((f) => fs.existsSync(path.join(dir, f)))) throw new BackupError('no_store', { dir });
  if (fs.existsSync(to)) throw new BackupError('exists', { file: to });
  const work = fs.mkdtempSync(path.join(path.dirname(path.resolve(to)), '.mantra-backup-'));
  try {
    const logged = readTrackLog(dir);
    const entries: (TarFile & { sha256: string })[] = [];
    let schema = 0, lastSeq = 0;
    if (hasStore) {
      const snapshot = path.join(work, STORE_FILE);
      await snapshotStore(storeFile, snapshot);
      ({ schema, lastSeq } = inspectSnapshot(snapshot));
      const size = fs.statSync(snapshot).size;
      entries.push({ name: STORE_FILE, mode: 0o600, size, sha256: await sha256File(snapshot), content: () => chunksOf(snapshot) });
    }
    // Without a store, the log's lines from its first one on.
    const lines = linesAfter(logged, hasStore ? lastSeq : Math.max(0, seqOf(logged[0] ?? '[1,') - 1));
    const { files, skipped } = otherFiles(dir, !!opts.withoutMasterKey);

    if (lines.length) {
      const bytes = Buffer.from(lines.join('\n') + '\n');
      entries.push({ name: LOG_FILE, mode: 0o600, size: bytes.length, sha256: sha256(bytes), content: () => once(bytes) });
    }
    for (const f of files) entries.push({ name: f.name, mode: f.mode, size: f.bytes.length, sha256: sha256(f.bytes), content: () => once(f.bytes) });

    const manifest: Manifest = {
      format: BACKUP_FORMAT, version: BACKUP_VERSION, mantra: opts.producer, createdAt: new Date().toISOString(), store: hasStore, schema,
      lastSeq, loggedTracks: lines.length, masterKey: files.some((f) => f.name === MASTER_KEY_FILE),
      files: entries.map(({ name, size, sha256, mode }) => ({ name, size, sha256, mode })),
    };
    const head = Buffer.from(JSON.stringify(manifest, null, 1) + '\n');
    const partial = path.join(work, 'backup.tar.gz');
    try {
      await writeTarGz(partial, [{ name: MANIFEST, mode: 0o600, size: head.length, content: () => once(head) }, ...entries]);
    } catch (err) {
      if (err instanceof TarError) throw new BackupError('archive_failed', { file: to }, err.detail);
      throw err;
    }
    // A hard link never replaces a file that appeared meanwhile; the whole archive or nothing is at `to`.
    try {
      fs.linkSync(partial, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError('exists', { file: to });
      throw err;
    }
    return { manifest, bytes: fs.statSync(to).size, skipped };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
