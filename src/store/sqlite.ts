import { DatabaseSync } from 'node:sqlite';
import fs from 'node:fs';
import path from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { kinds, type EntityOf, type Kind } from '../model/index.ts';
import { migrations } from './migrations.ts';
import { log } from '../observability/log.ts';
import { claimDataDir } from './data-dir.ts';
import { type Session, type Store, StoreError, type Stored, type TrackInput } from './types.ts';
import { StoreOpenError } from './open-errors.ts';
import { CHECKPOINT_MS, PRUNE_MS, startWriterThread, type UpkeepTask, type WriterThread } from './writer-thread.ts';
import { trackIngester } from './track-chain.ts';
import { ChangeFeed } from './change-feed.ts';
import { TrackIngest } from './track-ingest.ts';
import { TrackLog } from './track-log.ts';
import { decodeLine } from './track-line.ts';
import { readSpans } from './track-span.ts';
import { type StatsChunk, sumTracks } from './stats-table.ts';
import { openTrailReader } from './trail-reader.ts';
import { trailUpkeep, type TrailUpkeep } from './trail-upkeep.ts';
import type { Checkpoint, PruneResult } from './trail-types.ts';
import { loadSigningKey, type SigningKey } from '../audit/keys.ts';
import { APPLICATION_ID, checkSchema } from './schema-check.ts';


/**
 * How often logged tracks move into the tracks table. Durability does not wait for it (the track log is written
 * before the answer); longer batches spread the writer's per-commit work over more tracks.
 */
const INGEST_MS = 50;

/**
 * Opens the store of a data directory. `readOnly` (config export, audit verify and export) takes no lock and
 * writes nothing, so it works beside a running server; it refuses a store this version would have to migrate.
 */
export function openSqliteStore(dir: string, opts: { readOnly?: boolean } = {}): Store {
  if (opts.readOnly) return openReadOnly(dir);
  const release = claimDataDir(dir);
  const file = path.join(dir, 'mantra.db');
  let db: DatabaseSync;
  try {
    db = openChecked(file);
  } catch (err) {
    release();
    throw err;
  }
  try {
    return new SqliteStore(db, file, path.join(dir, 'tracks'), release, loadSigningKey(dir));
  } catch (err) {
    db.close();
    release();
    throw err;
  }
}

function openReadOnly(dir: string): Store {
  const file = path.join(dir, 'mantra.db');
  if (!fs.existsSync(file)) throw new StoreOpenError('corrupt', { file, cause: 'no such file' });
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    db.exec('pragma busy_timeout = 5000');
  } catch (err) {
    throw new StoreOpenError('corrupt', { file, cause: (err as Error).message });
  }
  try {
    checkSchema(db, file);
    return new SqliteStore(db, file, path.join(dir, 'tracks'), () => {});
  } catch (err) {
    db.close();
    throw err;
  }
}

function openChecked(file: string): DatabaseSync {
  const existed = fs.existsSync(file) && fs.statSync(file).size > 0;
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file);
    db.exec('pragma busy_timeout = 5000');
    const appId = (db.prepare('pragma application_id').get() as { application_id: number }).application_id;
    if (existed && appId !== APPLICATION_ID) {
      db.close();
      throw new StoreOpenError('foreign', { file });
    }
    db.exec('pragma journal_mode = wal; pragma synchronous = normal; pragma foreign_keys = on');
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreOpenError('corrupt', { file, cause: (err as Error).message });
  }
  migrate(db);
  return db;
}

function migrate(db: DatabaseSync) {
  const current = (db.prepare('pragma user_version').get() as { user_version: number }).user_version;
  if (current > migrations.length) {
    throw new StoreOpenError('newer', { schema: current });
  }
  for (let v = current; v < migrations.length; v++) {
    db.exec('begin immediate');
    try {
      const step = migrations[v];
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.exec(`pragma user_version = ${v + 1}; pragma application_id = ${APPLICATION_ID}`);
      db.exec('commit');
    } catch (err) {
      db.exec('rollback');
      throw new StoreOpenError('migration', { version: v + 1, cause: (err as Error).message });
    }
  }
}

type Row = { kind: string; id: string; version: number; body: string; updated_at: string };

class SqliteStore implements Store {
  #feed = new ChangeFeed();
  /** Writes run one at a time; those inside a transaction run in its turn (marked by this context). */
  #inTransaction = new AsyncLocalStorage<boolean>();
  #turn: Promise<unknown> = Promise.resolve();
  #writer: WriterThread | undefined;
  #ingestHere!: (text: string, stats?: StatsChunk[]) => number;
  #log?: TrackLog;
  #ingest?: TrackIngest;
  #upkeep?: TrailUpkeep;
  #timers: ReturnType<typeof setInterval>[] = [];
  #q;

  /** Without a signing key the store is read-only: no track log, no writes. */
  constructor(
    private db: DatabaseSync, readonly path: string, private logDir: string, private release: () => void,
    private signingKey?: SigningKey,
  ) {
    this.#q = {
      get: db.prepare('select * from entities where kind = ? and id = ?'),
      list: db.prepare('select * from entities where kind = ? order by id'),
      insert: db.prepare('insert into entities (kind, id, version, body, updated_at) values (?, ?, 1, ?, ?)'),
      update: db.prepare('update entities set version = version + 1, body = ?, updated_at = ? where kind = ? and id = ? and version = ?'),
      remove: db.prepare('delete from entities where kind = ? and id = ?'),
      sessionGet: db.prepare('select * from sessions where token_hash = ?'),
      sessionPut: db.prepare('insert or replace into sessions (token_hash, username, csrf, expires_at) values (?, ?, ?, ?)'),
      sessionDel: db.prepare('delete from sessions where token_hash = ? or expires_at < ?'),
      sessionDelUser: db.prepare('delete from sessions where username = ? and token_hash <> ?'),
    };
    if (!signingKey) return;
    this.#ingestHere = trackIngester(db);
    this.#upkeep = trailUpkeep(db, signingKey);
    // Tracks a previous run logged but did not move into the table (a crash) are taken over first.
    this.#ingestSegments();
    const last = db.prepare(`select max(seq) as seq from (select max(seq) as seq from tracks union all
      select max(seq) from checkpoints where kind = 'cut')`).get() as { seq: number | null };
    const trackLog = (this.#log = new TrackLog(logDir, last.seq ?? 0));
    this.#ingest = new TrackIngest(
      (spans, stats) => this.#writer?.running ? this.#writer.ingest(spans, stats) : this.#exclusive(() => this.#ingestHere(readSpans(spans), stats)),
      (upTo) => trackLog.release(upTo),
      INGEST_MS,
    );
    // Upkeep here only while no writer thread runs (tests, or a writer that could not start).
    for (const [task, ms] of [['checkpoint', CHECKPOINT_MS], ['prune', PRUNE_MS]] as const) {
      const timer = setInterval(() => void (this.#writer?.running ? undefined : this.#runUpkeep(task).catch(() => {})), ms);
      (timer as { unref?: () => void }).unref?.();
      this.#timers.push(timer);
    }
  }

  #runUpkeep(task: UpkeepTask): Promise<unknown> {
    if (this.#writer?.running) return this.#writer.upkeep(task);
    const upkeep = this.#upkeep!;
    return this.#exclusive(() => (task === 'checkpoint' ? upkeep.checkpoint() : upkeep.prune(upkeep.retention())));
  }

  /** Moves every track-log segment into the tracks table, then deletes it. */
  #ingestSegments() {
    for (const file of TrackLog.segments(this.logDir)) {
      this.#ingestHere(fs.readFileSync(file, 'utf8'));
      fs.rmSync(file, { force: true });
    }
  }

  #decode<K extends Kind>(kind: K, row: Row): Stored<K> {
    const parsed = kinds[kind].schema.safeParse(JSON.parse(row.body));
    if (!parsed.success) {
      throw new StoreError('invalid', `stored ${kind} ${row.id} does not match its schema`, parsed.error.issues);
    }
    return { kind, id: row.id, version: row.version, updatedAt: row.updated_at, body: parsed.data as EntityOf<K> };
  }

  async get<K extends Kind>(kind: K, id: string) {
    const row = this.#q.get.get(kind, id) as Row | undefined;
    return row && this.#decode(kind, row);
  }

  async list<K extends Kind>(kind: K) {
    return (this.#q.list.all(kind) as Row[]).map((r) => this.#decode(kind, r));
  }

  #exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    if (!this.signingKey) return Promise.reject(new StoreError('read_only', 'the store was opened read-only'));
    if (this.#inTransaction.getStore()) return Promise.resolve(fn());
    const run = this.#turn.then(fn);
    this.#turn = run.catch(() => {});
    return run;
  }

  put<K extends Kind>(kind: K, body: EntityOf<K>, expectedVersion?: number): Promise<Stored<K>> {
    return this.#exclusive(() => this.#put(kind, body, expectedVersion));
  }

  #put<K extends Kind>(kind: K, body: EntityOf<K>, expectedVersion?: number): Stored<K> {
    const parsed = kinds[kind].schema.safeParse(body);
    if (!parsed.success) throw new StoreError('invalid', `invalid ${kind}`, parsed.error.issues);
    const value = parsed.data as EntityOf<K>;
    const id = (kinds[kind].id as (e: unknown) => string)(value);
    const now = new Date().toISOString();
    const json = JSON.stringify(value);
    const existing = this.#q.get.get(kind, id) as Row | undefined;
    if (!existing) {
      if (expectedVersion) throw new StoreError('not_found', `${kind} ${id} not found`);
      this.#q.insert.run(kind, id, json, now);
    } else {
      if (expectedVersion === 0) throw new StoreError('conflict', `${kind} ${id} already exists`);
      const version = expectedVersion ?? existing.version;
      const result = this.#q.update.run(json, now, kind, id, version);
      if (result.changes === 0) {
        throw new StoreError('version', `${kind} ${id} was changed meanwhile (version ${existing.version}, given ${version})`);
      }
    }
    this.#feed.changed(kind, id);
    return this.#decode(kind, this.#q.get.get(kind, id) as Row);
  }

  remove(kind: Kind, id: string, expectedVersion?: number): Promise<void> {
    return this.#exclusive(() => this.#remove(kind, id, expectedVersion));
  }

  #remove(kind: Kind, id: string, expectedVersion?: number) {
    const existing = this.#q.get.get(kind, id) as Row | undefined;
    if (!existing) throw new StoreError('not_found', `${kind} ${id} not found`);
    if (expectedVersion !== undefined && existing.version !== expectedVersion) {
      throw new StoreError('version', `${kind} ${id} was changed meanwhile (version ${existing.version}, given ${expectedVersion})`);
    }
    this.#q.remove.run(kind, id);
    this.#feed.changed(kind, id);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#inTransaction.getStore()) return fn(); // nested: joins the outer transaction
    return this.#exclusive(() =>
      this.#inTransaction.run(true, async () => {
        this.db.exec('begin immediate');
        try {
          const result = await fn();
          this.db.exec('commit');
          return result;
        } catch (err) {
          this.db.exec('rollback');
          this.#feed.changed('settings', '*'); // caches built from rolled-back writes must reload
          throw err;
        }
      }),
    );
  }

  revision() {
    return this.#feed.revision;
  }

  onChange(fn: (kind: Kind, id: string) => void) {
    return this.#feed.on(fn);
  }

  /** Resolves once the tracks are in the track log; they reach the tracks table shortly after. */
  appendTracks(rows: TrackInput[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    if (!this.#ingest || !this.#log) return Promise.reject(new StoreError('read_only', 'the store was opened read-only'));
    if (this.#ingest.overloaded) return Promise.reject(new Error('the tracks table keeps refusing tracks'));
    try {
      const from = this.#log.lastSeq + 1;
      this.#log.append(rows);
      this.#ingest.add(this.#log.lastSpan, sumTracks(rows, from, this.#log.lastSeq));
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async tracks({ after = 0, limit }: { after?: number; limit: number }) {
    await this.#ingest?.flush().catch(() => {}); // what is logged but not yet in the table
    const rows = this.db.prepare('select seq, line, hash from tracks where seq > ? order by seq limit ?').all(after, limit) as any[];
    return rows.flatMap((r) => decodeLine(r.line, r.hash) ?? []);
  }

  async trail() {
    await this.#ingest?.flush().catch(() => {});
    return openTrailReader(this.path);
  }

  async checkpoint() {
    await this.#ingest?.flush().catch(() => {});
    return (await this.#runUpkeep('checkpoint')) as Checkpoint | undefined;
  }

  async prune() {
    await this.#ingest?.flush().catch(() => {});
    return (await this.#runUpkeep('prune')) as PruneResult;
  }

  sessions = {
    get: async (tokenHash: string) => {
      const r = this.#q.sessionGet.get(tokenHash) as any;
      if (!r || r.expires_at < Date.now()) return undefined;
      return { tokenHash: r.token_hash, username: r.username, csrf: r.csrf, expiresAt: r.expires_at } as Session;
    },
    put: (s: Session) => this.#exclusive(() => void this.#q.sessionPut.run(s.tokenHash, s.username, s.csrf, s.expiresAt)),
    remove: (tokenHash: string) => this.#exclusive(() => void this.#q.sessionDel.run(tokenHash, Date.now())),
    removeUser: (username: string, keep = '') => this.#exclusive(() => void this.#q.sessionDelUser.run(username, keep)),
  };

  startWriter(): WriterThread {
    if (!this.signingKey) throw new StoreError('read_only', 'the store was opened read-only');
    const pem = this.signingKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const writer = startWriterThread(this.path, pem, (pages) => this.db.isOpen && this.db.exec(`pragma wal_autocheckpoint = ${pages}`));
    this.#writer = writer;
    return writer;
  }

  close() {
    if (!this.db.isOpen) return;
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    if (!this.signingKey) return this.db.close();
    // Stopped properly by whoever started them; if not, the thread must not outlive the store.
    void this.#writer?.stop();
    this.#ingest?.stop();
    try {
      this.#log?.close();
      try {
        this.#ingestSegments();
      } catch (err) {
        log('error', 'tracks left in the track log; they are taken over when the store opens again', { error: String(err) });
      }
      try {
        this.#upkeep?.checkpoint(); // a clean stop leaves every track under a signed checkpoint
      } catch (err) {
        log('warn', 'no checkpoint signed at close; the next start signs one', { error: String(err) });
      }
      this.db.close();
    } finally {
      this.release();
    }
  }
}
