import { AsyncLocalStorage } from 'node:async_hooks';
import type postgres from 'postgres';
import { type EntityOf, type Kind, kinds } from '../../model/index.ts';
import { log } from '../../observability/log.ts';
import { type Session, type Store, StoreError, type Stored, type TrackInput } from '../types.ts';
import type { Checkpoint, PruneResult, TrailReader } from '../trail-types.ts';
import type { Retention } from '../trail-upkeep.ts';
import { begin, savepoint, type Sql, type Tx, type TxGuard } from './connection.ts';
import { type CopyRow, EntityCopy } from './copy.ts';
import { connectionCause, PgStoreError, storeErrorOf } from './errors.ts';
import { HEARTBEAT_MS, type Heartbeat } from './nodes.ts';
import { ChangeFeed } from '../change-feed.ts';
import type { SharedKeys } from './shared-keys.ts';

/** The channel on which every committed config change is announced: `{"kind","id","rev"}`. */
export const CHANNEL = 'mantra_config';
/** How often a node checks the cluster-wide revision (and so notices a lost or returned PostgreSQL). */
export const CHECK_MS = 1_000;
/** A step of the check (a statement) that takes longer than this counts as PostgreSQL lost. */
export const CHECK_TIMEOUT_MS = 3_000;
/** Reading the whole configuration again (after a lost notification or a reconnect) may take this long. */
const RELOAD_TIMEOUT_MS = 10_000;

/** The trail half of the store, from trail.ts (pg-trail). */
export type PgTrail = Pick<Store, 'appendTracks' | 'tracks' | 'trail' | 'checkpoint' | 'prune'> & {
  close(): void | Promise<void>;
  /** Stops tracked calls, keeping the track log (another process took this node's id). */
  halt?(why: string): void;
};

interface Change {
  kind: Kind;
  id: string;
  rev: number;
  row?: Omit<CopyRow, 'kind' | 'id' | 'rev'>;
}

interface TxState {
  tx: Tx;
  guard: TxGuard;
  /** Changes made in the transaction, applied to the copy once it commits. */
  done: Change[];
}

export interface PgStoreParts {
  sql: Sql;
  /** The connection that LISTENs (its own, never idle-closed); absent for a read-only store. */
  listener?: Sql;
  /**
   * The check's and the heartbeat's own connection (a short statement timeout), so that neither waits behind the
   * trail's, the sessions' or a reader's statements in the pool; absent for a read-only store.
   */
  control?: Sql;
  dataDir: string;
  node?: string;
  heartbeat?: Heartbeat;
  keys?: SharedKeys;
  readOnly: boolean;
  release: () => void;
}

type EntityRow = { kind: Kind; id: string; version: number; body: unknown; updated_at: string; rev: string | number };

const toChange = (r: EntityRow): Change & { row: NonNullable<Change['row']> } => ({
  kind: r.kind, id: r.id, rev: Number(r.rev),
  row: { version: r.version, updatedAt: r.updated_at, body: r.body },
});

/**
 * The cluster store: configuration and sessions in PostgreSQL, shared by every node. Reads of configuration come
 * from this node's copy (copy.ts), kept current by NOTIFY on CHANNEL and, should notifications be missed, by a
 * check of the cluster-wide revision every second; so a node serves its last good configuration while PostgreSQL
 * is away, and writes fail meanwhile with 'unavailable'. Writes run in PostgreSQL transactions; each takes the
 * revision row first (one lock order, no deadlocks) and announces itself when it commits.
 */
export class PostgresStore implements Store {
  readonly path: string;
  readonly node?: string;
  #sql: Sql;
  #parts: PgStoreParts;
  #trail?: PgTrail;
  #copy = new EntityCopy();
  #feed = new ChangeFeed();
  #tx = new AsyncLocalStorage<TxState>();
  /** Every change up to this cluster revision is in the copy; later ones seen are in #applied. */
  #synced = 0;
  #applied = new Set<number>();
  #behind = false;
  #ok = true;
  #lostAt?: string;
  #listening = false;
  #checking = false;
  #ticks = 0;
  #takenOver = false;
  #timer?: ReturnType<typeof setInterval>;
  #closing?: Promise<void>;

  constructor(parts: PgStoreParts) {
    this.#parts = parts;
    this.#sql = parts.sql;
    this.node = parts.node;
    // No file: dirname() of it is the data directory, as callers expect of the embedded store's path.
    this.path = `${parts.dataDir.replace(/\/+$/, '')}/postgres`;
  }

  /** Loads the copy and starts listening; the trail is attached once its tables can be used. */
  async start(): Promise<void> {
    await this.#reload();
    if (this.#parts.keys) {
      for (const a of this.#copy.list('agency')) await this.#parts.keys.syncAgency(a.id);
    }
    if (this.#parts.listener) {
      await this.#listen();
      this.#timer = setInterval(() => void this.#check(), CHECK_MS);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  attachTrail(trail: PgTrail) {
    this.#trail = trail;
  }

  // ---- configuration

  #decode<K extends Kind>(kind: K, row: Omit<CopyRow, 'rev'>): Stored<K> {
    const parsed = kinds[kind].schema.safeParse(row.body);
    if (!parsed.success) {
      throw new StoreError('invalid', `stored ${kind} ${row.id} does not match its schema`, parsed.error.issues);
    }
    return { kind, id: row.id, version: row.version, updatedAt: row.updatedAt, body: parsed.data as EntityOf<K> };
  }

  async get<K extends Kind>(kind: K, id: string): Promise<Stored<K> | undefined> {
    const state = this.#tx.getStore();
    if (!state) {
      const row = this.#copy.get(kind, id);
      return row && this.#decode(kind, row);
    }
    const [r] = await own(state, live(state).tx<EntityRow[]>`select * from entities where kind = ${kind} and id = ${id}`);
    return r && this.#decode(kind, { kind, id, ...toChange(r).row });
  }

  async list<K extends Kind>(kind: K): Promise<Stored<K>[]> {
    const state = this.#tx.getStore();
    if (!state) return this.#copy.list(kind).map((r) => this.#decode(kind, r));
    const rows = await own(state, live(state).tx<EntityRow[]>`select * from entities where kind = ${kind} order by id collate "C"`);
    return rows.map((r) => this.#decode(kind, { kind, id: r.id, ...toChange(r).row }));
  }

  async put<K extends Kind>(kind: K, body: EntityOf<K>, expectedVersion?: number): Promise<Stored<K>> {
    const parsed = kinds[kind].schema.safeParse(body);
    if (!parsed.success) throw new StoreError('invalid', `invalid ${kind}`, parsed.error.issues);
    const value = parsed.data as EntityOf<K>;
    const id = (kinds[kind].id as (e: unknown) => string)(value);
    const change = await this.#write(async (tx) => {
      const rev = await nextRev(tx);
      const [existing] = await tx<{ version: number }[]>`select version from entities where kind = ${kind} and id = ${id} for update`;
      if (!existing) {
        if (expectedVersion) throw new StoreError('not_found', `${kind} ${id} not found`);
      } else {
        if (expectedVersion === 0) throw new StoreError('conflict', `${kind} ${id} already exists`);
        if (expectedVersion !== undefined && existing.version !== expectedVersion) {
          throw new StoreError('version', `${kind} ${id} was changed meanwhile (version ${existing.version}, given ${expectedVersion})`);
        }
      }
      const now = new Date().toISOString();
      const [row] = existing
        ? await tx<EntityRow[]>`update entities set version = version + 1, body = ${tx.json(value as postgres.JSONValue)}, updated_at = ${now}, rev = ${rev}
            where kind = ${kind} and id = ${id} returning *`
        : await tx<EntityRow[]>`insert into entities (kind, id, version, body, updated_at, rev)
            values (${kind}, ${id}, 1, ${tx.json(value as postgres.JSONValue)}, ${now}, ${rev}) returning *`;
      await announce(tx, kind, id, rev);
      return toChange(row);
    });
    return this.#decode(kind, { kind, id, ...change.row! });
  }

  async remove(kind: Kind, id: string, expectedVersion?: number): Promise<void> {
    await this.#write(async (tx) => {
      const rev = await nextRev(tx);
      const [existing] = await tx<{ version: number }[]>`select version from entities where kind = ${kind} and id = ${id} for update`;
      if (!existing) throw new StoreError('not_found', `${kind} ${id} not found`);
      if (expectedVersion !== undefined && existing.version !== expectedVersion) {
        throw new StoreError('version', `${kind} ${id} was changed meanwhile (version ${existing.version}, given ${expectedVersion})`);
      }
      await tx`delete from entities where kind = ${kind} and id = ${id}`;
      await announce(tx, kind, id, rev);
      return { kind, id, rev };
    });
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#tx.getStore()) return fn(); // nested: joins the outer transaction
    this.#writable();
    const state = { done: [] } as unknown as TxState;
    const result = await begin(this.#sql, (tx, guard) => {
      Object.assign(state, { tx, guard });
      // Its own statements mark the guard (own()); a connection error from anywhere else is not this
      // transaction's loss: it is rolled back on its live connection.
      return this.#tx.run(state, fn).catch((err) => {
        throw guard.lost ? err : storeErrorOf(err);
      });
    }).catch(rethrow);
    await this.#committed(state.done);
    return result as T;
  }

  /**
   * One write: in the surrounding transaction (a savepoint, so that a refused write leaves no trace), or its own.
   * Inside a transaction only that transaction's connection decides (the periodic check's view does not: a body
   * failing for it would leave the transaction open).
   */
  async #write(fn: (tx: Tx) => Promise<Change>): Promise<Change> {
    const state = this.#tx.getStore();
    if (state) {
      const change = await own(state, savepoint(live(state).tx, state.guard, fn));
      state.done.push(change);
      return change;
    }
    this.#writable();
    const change = await begin(this.#sql, fn).catch(rethrow);
    await this.#committed([change]);
    return change;
  }

  #writable() {
    if (this.#parts.readOnly) throw new StoreError('read_only', 'the store was opened read-only');
    if (!this.#ok) throw new PgStoreError('unavailable');
  }

  async #committed(changes: Change[]) {
    for (const c of changes) await this.#take(c);
  }

  /** Puts a change into the copy (an agency's answer key first) and tells the listeners if the copy changed. */
  async #take(c: Change) {
    if (c.kind === 'agency' && c.row && this.#parts.keys) {
      await this.#parts.keys.syncAgency(c.id).catch((err) => log('warn', 'agency key not yet shared', { agency: c.id, error: String(err) }));
    }
    if (this.#copy.apply(c.kind, c.id, c.rev, c.row)) this.#feed.changed(c.kind, c.id);
    this.#seen(c.rev);
  }

  #seen(rev: number) {
    if (rev <= this.#synced) return;
    this.#applied.add(rev);
    while (this.#applied.delete(this.#synced + 1)) this.#synced++;
  }

  revision() {
    return this.#feed.revision;
  }

  onChange(fn: (kind: Kind, id: string) => void) {
    return this.#feed.on(fn);
  }

  // ---- keeping the copy current

  /** Reads every entity and the revision in one statement (one snapshot) and makes the copy match it. */
  async #reload(sql = this.#sql) {
    const rows = await timeout(sql<(Partial<EntityRow> & { top: string })[]>`select e.*, r.rev as top
      from config_revision r left join entities e on true`, RELOAD_TIMEOUT_MS);
    const rev = Number(rows[0]?.top ?? 0);
    const changes = rows.filter((r) => r.kind !== null && r.kind !== undefined).map((r) => toChange(r as EntityRow));
    if (this.#parts.keys) {
      for (const c of changes) if (c.kind === 'agency' && !this.#copy.get('agency', c.id)) await this.#parts.keys.syncAgency(c.id);
    }
    for (const c of this.#copy.replace(changes.map((c) => ({ kind: c.kind, id: c.id, rev: c.rev, ...c.row })), rev)) {
      this.#feed.changed(c.kind, c.id);
    }
    if (rev > this.#synced) {
      this.#synced = rev;
      for (const r of this.#applied) if (r <= rev) this.#applied.delete(r);
    }
    this.#behind = false;
  }

  async #listen(sql = this.#sql) {
    const listener = this.#parts.listener!;
    await timeout(listener.unsafe(`listen ${CHANNEL}`), CHECK_TIMEOUT_MS);
    this.#listening = true;
    await this.#reload(sql); // whatever changed while not listening
  }

  /** Called by the listening connection (connection.ts onnotify). */
  notified(payload: string) {
    let news: { kind: Kind; id: string; rev: number };
    try {
      news = JSON.parse(payload);
    } catch {
      return;
    }
    if (!(news.kind in kinds) || news.rev <= this.#synced || this.#applied.has(news.rev)) return;
    void this.#fetch(news).catch(() => (this.#behind = true));
  }

  async #fetch(news: { kind: Kind; id: string; rev: number }) {
    const [r] = await this.#sql<EntityRow[]>`select * from entities where kind = ${news.kind} and id = ${news.id}`;
    const change: Change = r ? toChange(r) : { kind: news.kind, id: news.id, rev: news.rev };
    await this.#take(change);
    this.#seen(news.rev);
  }

  /** Called when the listening connection closes: the next check listens again and catches up. */
  unlistened() {
    this.#listening = false;
  }

  /**
   * The periodic check, on its own connection (parts.control), every statement under a timeout: a silent network
   * loss turns into "lost" within seconds instead of a check stuck for minutes with /readyz still ready.
   */
  async #check() {
    if (this.#checking || this.#closing) return;
    this.#checking = true;
    const sql = this.#parts.control ?? this.#sql;
    try {
      const rows = await timeout(sql<{ rev: string }[]>`select rev from config_revision`, CHECK_TIMEOUT_MS);
      const rev = Number(rows[0]?.rev ?? 0);
      if (!this.#listening) await this.#listen(sql);
      // Behind twice in a row: a notification was lost (one in flight is normal).
      else if (rev > this.#synced) {
        if (this.#behind) await this.#reload(sql);
        else this.#behind = true;
      } else this.#behind = false;
      if (this.#parts.heartbeat && this.#ticks++ % Math.round(HEARTBEAT_MS / CHECK_MS) === 0) {
        if (!(await timeout(this.#parts.heartbeat.beat(), CHECK_TIMEOUT_MS))) this.#takeOver();
      }
      if (!this.#ok) {
        this.#ok = true;
        log('info', 'cluster store reachable again: configuration caught up, writes accepted', { since: this.#lostAt });
        this.#lostAt = undefined;
      }
    } catch (err) {
      if (this.#closing) return;
      if (this.#ok) {
        this.#ok = false;
        this.#lostAt = new Date().toISOString();
        log('warn', 'cluster store unreachable: serving this node\'s copy of the configuration, writes refused until it is back', {
          cause: connectionCause(err) ?? 'error',
        });
      }
    } finally {
      this.#checking = false;
    }
  }

  /**
   * Another process holds this node's id now (it claimed the id after this one's heartbeat went stale): two
   * processes writing one chain would lose or mix evidence, so this one stops taking tracked calls at once.
   */
  #takeOver() {
    if (this.#takenOver) return;
    this.#takenOver = true;
    log('error', 'another process took over this node id: this node stops serving tracked calls; give every node its own id and restart it', { node: this.node });
    this.#trail?.halt?.(`node id ${this.node} taken over by another process`);
  }

  health() {
    return this.#ok
      ? { ok: true }
      : { ok: false, detail: `PostgreSQL unreachable since ${this.#lostAt}: serving the configuration as of then` };
  }

  liveNodes() {
    return this.#parts.heartbeat?.live() ?? 1;
  }

  /** The retention settings as this node's copy has them (for the trail's upkeep). */
  retention(): Retention {
    const r = (this.#copy.get('settings', 'settings')?.body as { retention?: Partial<Retention> } | undefined)?.retention;
    return { days: Number(r?.days) || 0, megabytes: Number(r?.megabytes) || 0 };
  }

  // ---- sessions (not copied: a session must end everywhere when it ends)

  #session<T>(write: boolean, fn: () => Promise<T>): Promise<T> {
    if (write && this.#parts.readOnly) return Promise.reject(new StoreError('read_only', 'the store was opened read-only'));
    if (!this.#ok) return Promise.reject(new PgStoreError('unavailable'));
    return fn().catch(rethrow);
  }

  sessions = {
    get: (tokenHash: string) => this.#session(false, async () => {
      const [r] = await this.#sql`select * from sessions where token_hash = ${tokenHash}`;
      if (!r || Number(r.expires_at) < Date.now()) return undefined;
      return { tokenHash: r.token_hash, username: r.username, csrf: r.csrf, expiresAt: Number(r.expires_at) } as Session;
    }),
    put: (s: Session) => this.#session(true, async () => {
      await this.#sql`insert into sessions (token_hash, username, csrf, expires_at)
        values (${s.tokenHash}, ${s.username}, ${s.csrf}, ${s.expiresAt})
        on conflict (token_hash) do update set username = excluded.username, csrf = excluded.csrf, expires_at = excluded.expires_at`;
    }),
    remove: (tokenHash: string) => this.#session(true, async () => {
      await this.#sql`delete from sessions where token_hash = ${tokenHash} or expires_at < ${Date.now()}`;
    }),
    removeUser: (username: string, keep = '') => this.#session(true, async () => {
      await this.#sql`delete from sessions where username = ${username} and token_hash <> ${keep}`;
    }),
  };

  // ---- the trail (trail.ts)

  #trailPart(): PgTrail {
    if (!this.#trail) throw new StoreError('read_only', 'the trail is not open');
    return this.#trail;
  }

  appendTracks(rows: TrackInput[]): Promise<void> {
    if (this.#takenOver && rows.length) {
      return Promise.reject(new StoreError('unavailable', `node id ${this.node} was taken over by another process`));
    }
    try {
      return this.#trailPart().appendTracks(rows);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async tracks(opts: { after?: number; limit: number }) {
    return this.#trailPart().tracks(opts);
  }

  async trail(): Promise<TrailReader> {
    return this.#trailPart().trail();
  }

  async checkpoint(): Promise<Checkpoint | undefined> {
    return this.#trailPart().checkpoint();
  }

  async prune(): Promise<PruneResult> {
    return this.#trailPart().prune();
  }

  close(): Promise<void> {
    return (this.#closing ??= (async () => {
      clearInterval(this.#timer);
      try {
        await this.#trail?.close();
      } catch (err) {
        log('error', 'the trail did not close cleanly; its track log is taken over at the next start', { error: String(err) });
      }
      await timeout(this.#parts.heartbeat?.leave() ?? Promise.resolve(), CHECK_TIMEOUT_MS).catch(() => {});
      await Promise.all([
        this.#parts.listener?.end({ timeout: 1 }), this.#parts.control?.end({ timeout: 1 }), this.#sql.end({ timeout: 2 }),
      ]).catch(() => {});
      this.#parts.release();
    })());
  }
}

async function nextRev(tx: Tx): Promise<number> {
  const [{ rev }] = await tx<{ rev: string }[]>`update config_revision set rev = rev + 1 returning rev`;
  return Number(rev);
}

function announce(tx: Tx, kind: Kind, id: string, rev: number) {
  return tx`select pg_notify(${CHANNEL}, ${JSON.stringify({ kind, id, rev })})`;
}

/**
 * A statement of the transaction `state`: if it fails for its connection, the transaction is lost (connection.ts
 * begin: nothing more may be sent on it); any failure comes out as the store's error.
 */
function own<T>(state: TxState, q: Promise<T>): Promise<T> {
  return q.catch((err) => {
    if (connectionCause(err)) state.guard.lost = true;
    throw storeErrorOf(err);
  });
}

/** A transaction whose connection is gone sends nothing more (connection.ts begin). */
function live(state: TxState): TxState {
  if (state.guard.lost) throw new PgStoreError('unavailable');
  return state;
}

function rethrow(err: unknown): never {
  throw storeErrorOf(err);
}

function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), ms))),
  ]);
}
