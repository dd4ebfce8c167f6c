import { existsSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Connector } from '../../src/model/connector.ts';
import { type ColumnInfo, type Driver, type DriverPool, type ExecuteOptions, type OpenOptions, type QueryOptions, Watch } from '../driver.ts';
import { ConnectorError, messages, rawText } from '../errors.ts';
import { allowedPath, IN_MEMORY, notAllowedMessage } from '../file-access.ts';
import { checkIdentifier } from '../sql/dialect.ts';
import type { Plan, Row, SqlPlan, Value } from '../types.ts';
import { fromBigInt, toValue } from '../values.ts';

const CACHE_MAX = 256;

type Bindable = null | number | bigint | string | Uint8Array;
const bindable = (params: Value[]): Bindable[] =>
  params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

function classify(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const detail = rawText(err);
  const code = String((err as { errcode?: unknown; code?: unknown }).errcode ?? (err as { code?: unknown }).code ?? '');
  if (/SQLITE_(BUSY|LOCKED|CANTOPEN|NOTADB|CORRUPT)|^(5|6|14|26|11)$/.test(code) || /database is locked|unable to open/i.test(detail)) {
    return new ConnectorError('unavailable', messages.unavailable, detail);
  }
  return new ConnectorError('query', messages.query, detail);
}

/** A plain row (node:sqlite's have no prototype): integers beyond 2^53 as text, blobs as UTF-8 text. */
function normalise(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const k in row) {
    const v = row[k];
    out[k] = typeof v === 'bigint' ? fromBigInt(v) : v !== null && typeof v === 'object' ? toValue(v) : (v as Row[string]);
  }
  return out;
}

/**
 * The file to open, checked now (it may have been replaced by a symlink since it was saved): inside an allowed
 * folder, outside the data directory.
 */
function databaseFile(config: Connector, opts: OpenOptions | undefined): string {
  if (config.path === IN_MEMORY) return IN_MEMORY;
  if (!config.path) throw new ConnectorError('unavailable', messages.unavailable, 'sqlite: no database file configured');
  const file = allowedPath(config.path, opts?.files);
  if (!file) throw new ConnectorError('config', notAllowedMessage);
  if (!existsSync(file)) throw new ConnectorError('unavailable', messages.unavailable, 'sqlite: database file missing');
  return file;
}

function open(config: Connector, opts?: OpenOptions): DriverPool {
  let db: DatabaseSync | undefined;
  const cache = new Map<string, StatementSync>();

  function database(): DatabaseSync {
    if (db) return db;
    const file = databaseFile(config, opts);
    try {
      // No ATTACH (nor VACUUM INTO, which attaches): a statement must not reach any other file.
      db = new DatabaseSync(file, { limits: { attach: 0 } } as ConstructorParameters<typeof DatabaseSync>[1]);
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(config.connectTimeoutMs ?? 10_000))}`);
      return db;
    } catch (err) {
      throw new ConnectorError('unavailable', messages.unavailable, rawText(err));
    }
  }

  /** Statements stay prepared; one that another read is still iterating is not shared (a new one is made). */
  const busy = new Set<StatementSync>();
  function statement(sql: string): StatementSync {
    let st = cache.get(sql);
    if (st && busy.has(st)) return database().prepare(sql);
    if (!st) {
      st = database().prepare(sql);
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
      cache.set(sql, st);
    }
    return st;
  }

  async function query(plan: Plan, opts: QueryOptions): Promise<number> {
    if (plan.type !== 'sql') throw new ConnectorError('config', 'a SQLite connector runs SQL plans only');
    // Only the abort signal: the statement timer is our own clock below (timers cannot fire inside a step loop).
    const watch = new Watch({ signal: opts.signal, timeoutMs: 0 });
    let delivered = 0;
    let st: StatementSync | undefined;
    try {
      st = statement(plan.sql);
      busy.add(st);
      st.setReadBigInts(true);
      let deadline = performance.now() + opts.timeoutMs;
      let batch: Row[] = [];
      for (const row of st.iterate(...bindable(plan.params))) {
        if (delivered >= opts.maxRows) break;
        batch.push(normalise(row as Record<string, unknown>));
        delivered++;
        // A synchronous step loop sees no timers: the clock is read between rows.
        if (performance.now() > deadline) {
          watch.expire();
          throw watch.error();
        }
        if (batch.length >= opts.batchSize) {
          const paused = performance.now();
          await opts.onBatch(batch);
          batch = [];
          deadline += performance.now() - paused;
          watch.check();
        }
      }
      if (batch.length) await opts.onBatch(batch);
      watch.check();
      return delivered;
    } catch (err) {
      throw watch.fired ? watch.error() : classify(err);
    } finally {
      if (st) busy.delete(st);
      watch.stop();
    }
  }

  async function execute(plan: SqlPlan, opts: ExecuteOptions): Promise<number> {
    if (opts.signal.aborted) throw new ConnectorError('cancelled', messages.cancelled);
    try {
      return Number(statement(plan.sql).run(...bindable(plan.params)).changes);
    } catch (err) {
      throw classify(err);
    }
  }

  const all = <T>(sql: string, ...params: Bindable[]): T[] => {
    try {
      return database().prepare(sql).all(...params) as T[];
    } catch (err) {
      throw classify(err);
    }
  };

  return {
    query,
    execute,
    async test() {
      all('SELECT 1');
    },
    async tables() {
      return all<{ name: string; type: string }>(
        `SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
      ).map((r) => ({ name: r.name, type: r.type === 'view' ? 'view' : 'table' }));
    },
    async columns(table: string): Promise<ColumnInfo[]> {
      const rows = all<{ name: string; type: string; notnull: number }>(
        'SELECT name, type, "notnull" FROM pragma_table_info(?)',
        checkIdentifier(table),
      );
      if (rows.length === 0) throw new ConnectorError('query', `unknown table "${table}"`);
      return rows.map((r) => ({ name: r.name, type: r.type, nullable: !r.notnull }));
    },
    async close() {
      cache.clear();
      db?.close();
      db = undefined;
    },
  };
}

export const driver: Driver = { open };
