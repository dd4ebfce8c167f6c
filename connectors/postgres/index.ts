import postgres from 'postgres';
import type { Connector } from '../../src/model/connector.ts';
import { type ColumnInfo, type Driver, type DriverPool, type ExecuteOptions, type OpenOptions, type QueryOptions, readOnceMore, Watch } from '../driver.ts';
import { ConnectorError } from '../errors.ts';
import { checkIdentifier, dialects } from '../sql/dialect.ts';
import type { Plan, Row, SqlPlan, Value } from '../types.ts';
import { classify, isRetryable } from './errors.ts';
import { copyExporter, type ExportConnections } from './copy.ts';
import { tappedSockets } from './copy-tap.ts';
import type { BulkExport, ReadHint } from '../job/export.ts';

/**
 * Values come back as PHP's pg driver sees them: dates, times, timestamps, json and bytea as the server's text;
 * int8 and numeric stay text (postgres.js default); int2/int4/float as numbers; bool as boolean.
 * Array types are not fetched, so arrays stay text too.
 */
const asText = {
  to: 25,
  from: [1082, 1083, 1114, 1184, 1266, 1186, 114, 3802, 17],
  serialize: (x: unknown) => '' + x,
  parse: (x: string) => x,
};

/** Results up to this many rows are read in one go (one round trip); larger reads use a cursor. */
export const PLAIN_MAX_ROWS = 10_001;

/** Connections of its own an export's COPY may use per thread, besides the connector's pool. */
const EXPORT_CONNECTIONS = 2;

/** Statements queued behind the running one on a connection. */
const MAX_PIPELINE = 2;

/** A read still computing (no row yet) after this long is cancelled when its caller leaves; others are let finish. */
const SLOW_MS = 100;

/** After the row limit is reached, a query still sending rows this long is cancelled. */
const OVERFLOW_GRACE_MS = 50;

type Sql = ReturnType<typeof postgres>;
type Query = ReturnType<Sql['unsafe']>;

/**
 * Cancels a statement unless it is pipelined behind another one on its connection. postgres.js (3.4.x) drops such
 * a statement from its queue of sent statements while the server still answers it, so the next caller on the
 * connection would get its rows (answers crossed; test/gateway/abort.test.ts). Those are let run and their rows
 * ignored. A cancel request that lands after its statement ended stops the next one instead: reads and writes
 * retry once on that (isRetryable, execute).
 */
function cancelQuery(q: Query) {
  const state = q as unknown as { state?: unknown; active?: boolean };
  if (!state.state || state.active) void q.cancel();
}

/**
 * The statement's Watch, and a promise that rejects with its error once it fires: the caller stops waiting even
 * when the statement itself runs on (one left pipelined, or a cancel that comes too late).
 */
function watchStatement(opts: { timeoutMs: number; signal: QueryOptions['signal'] }, onFire: () => void) {
  let reject!: (err: unknown) => void;
  const stopped = new Promise<never>((_, r) => (reject = r));
  stopped.catch(() => {});
  const watch: Watch = new Watch(opts, () => {
    onFire();
    reject(watch.error());
  });
  if (watch.fired) reject(watch.error());
  return { watch, stopped };
}

function open(config: Connector, opts: OpenOptions): DriverPool & BulkExport {
  const ssl = config.ssl === 'disable' || !config.ssl ? false : config.ssl;
  const host = config.host ?? '127.0.0.1';
  const port = config.port ?? 5432;
  const settings = {
    host,
    port,
    database: config.database,
    username: config.user,
    password: config.password ?? '',
    ssl: ssl as 'require',
    max: opts.maxConnections,
    connect_timeout: Math.max(1, Math.ceil((config.connectTimeoutMs ?? 10_000) / 1000)),
    idle_timeout: 120,
    fetch_types: false,
    prepare: true,
    // Pipelining (an option the typings omit): a connection takes the next statements while one runs, which
    // raises by-key throughput. Its hazard is cancelling: see cancelQuery. The depth bounds how many results are
    // in memory at once: 32 callers of 10,000-row answers peaked at 500 MB RSS with postgres.js's default of
    // 100, 336 MB with 2 (scripts/bench, scenario workers), at the same by-key rate.
    ...({ max_pipeline: MAX_PIPELINE } as object),
    onnotice: () => {},
    types: { asText } as never,
    connection: { application_name: 'mantra' },
  };
  const sql: Sql = postgres(settings);

  /**
   * Exports run COPY on connections of their own, at most EXPORT_CONNECTIONS per thread beside the pool: a COPY
   * holds its connection for as long as its caller reads, and the pool's connections stay free for everyone else.
   * On plain TCP their sockets are tapped (copy-tap.ts).
   */
  let exportConnections: ExportConnections | undefined;
  const bulk = () => (exportConnections ??= (() => {
    const taps = ssl ? undefined : tappedSockets(host, port);
    const conns = postgres({
      ...settings,
      max: Math.min(EXPORT_CONNECTIONS, opts.maxConnections),
      idle_timeout: 30,
      // postgres.js 3.4.9 never hands a reservation its new connection without fetch_types (the startup's end
      // skips it); fetching the array types takes the path that does. Nothing here parses rows.
      fetch_types: true,
      ...(taps ? { socket: taps.open } : {}),
    } as never) as Sql;
    return { sql: conns, taps };
  })());

  const run = (plan: SqlPlan) => sql.unsafe(plan.sql, plan.params as never[], { prepare: true });

  /**
   * Reads the whole (bounded) result in one round trip; its rows are handed on once the statement has ended.
   * Held back until then, a read that fails midway has handed on nothing and can run once more: that is what a
   * cancel request meant for the statement before it on the connection does to it (readOnceMore, isRetryable).
   */
  async function plain(plan: SqlPlan, opts: QueryOptions): Promise<number> {
    const q = run(plan);
    // A cancel request can reach the connection's next statement (another caller's) when this one ends just before
    // it arrives. So when the caller leaves, a bounded read is let finish and its rows dropped, unless it is still
    // computing (no row yet) after a while. A statement past its time is cancelled.
    const started = performance.now();
    let receiving = false;
    const { watch, stopped } = watchStatement(opts, () => {
      if (watch.fired === 'timeout' || (!receiving && performance.now() - started > SLOW_MS)) cancelQuery(q);
    });
    let delivered = 0;
    let batch: Row[] = [];
    const batches: Row[][] = [];
    let overflow: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([stopped, q.forEach((row) => {
        receiving = true;
        if (watch.fired) return;
        if (delivered < opts.maxRows) {
          batch.push(row as Row);
          if (++delivered % opts.batchSize === 0) {
            batches.push(batch);
            batch = [];
          }
        } else if (overflow === undefined) {
          overflow = setTimeout(() => cancelQuery(q), OVERFLOW_GRACE_MS);
        }
      })]);
    } catch (err) {
      // A cancel after the row limit is the expected end of an overflowing read.
      if (!(overflow !== undefined && !watch.fired && (err as { code?: string }).code === '57014')) {
        throw watch.fired ? watch.error() : err;
      }
    } finally {
      clearTimeout(overflow);
      watch.stop();
    }
    if (batch.length) batches.push(batch);
    for (const rows of batches) {
      if (opts.signal.aborted) break;
      await opts.onBatch(rows);
    }
    return delivered;
  }

  /** Streams through a cursor: the database is asked for the next batch only once the previous one is taken. */
  async function cursor(plan: SqlPlan, opts: QueryOptions): Promise<number> {
    const q = run(plan);
    // A cancel request can reach the connection's next statement when this one ends just before it arrives (its
    // last batch). So a caller who leaves once batches come has the cursor closed at the next batch instead (at
    // most a batch more is read); a statement past its time, or one still computing its first batch after a while,
    // is cancelled. While a batch is being handed on the server is idle: no cancel request then.
    const started = performance.now();
    let handing = false;
    let batches = 0;
    const { watch, stopped } = watchStatement(opts, () => {
      if (handing) return;
      if (watch.fired === 'timeout' || (batches === 0 && performance.now() - started > SLOW_MS)) cancelQuery(q);
    });
    let delivered = 0;
    const step = async (rows: Row[]) => {
      batches++;
      handing = true;
      watch.pause();
      const take = Math.min(rows.length, opts.maxRows - delivered);
      await opts.onBatch(rows.slice(0, take));
      delivered += take;
      handing = false;
      if (delivered >= opts.maxRows || watch.fired) return sql.CLOSE;
      watch.resume();
    };
    // postgres.js does not wait for the callback of the last batch: keep hold of it.
    let last: Promise<unknown> = Promise.resolve();
    try {
      await Promise.race([stopped, q.cursor(opts.batchSize, (rows: Row[]) => {
        if (watch.fired) return sql.CLOSE;
        last = step(rows);
        last.catch(() => {});
        return last;
      })]);
      await last;
    } catch (err) {
      throw watch.fired ? watch.error() : err;
    } finally {
      watch.stop();
    }
    if (watch.fired) throw watch.error();
    return delivered;
  }

  async function query(plan: Plan, opts: QueryOptions): Promise<number> {
    if (plan.type !== 'sql') throw new ConnectorError('config', 'a PostgreSQL connector runs SQL plans only');
    // A large page streams through a cursor even within PLAIN_MAX_ROWS: many of them at once would each be read
    // whole into memory, however slowly their callers take them.
    const read = opts.maxRows <= PLAIN_MAX_ROWS && !(opts as ReadHint).large ? plain : cursor;
    return readOnceMore((o) => read(plan, o), opts, isRetryable, classify);
  }

  async function write(plan: SqlPlan, opts: ExecuteOptions): Promise<number> {
    const q = run(plan);
    const { watch, stopped } = watchStatement(opts, () => cancelQuery(q));
    try {
      const result = await Promise.race([stopped, q]);
      return result.count ?? 0;
    } catch (err) {
      throw watch.fired ? watch.error() : err;
    } finally {
      watch.stop();
    }
  }

  async function execute(plan: SqlPlan, opts: ExecuteOptions): Promise<number> {
    try {
      return await write(plan, opts);
    } catch (err) {
      // A write is tried again only when a stray cancel stopped it: a cancelled statement changed nothing.
      if (!(err instanceof ConnectorError) && !opts.signal.aborted && (err as { code?: string }).code === '57014') {
        try {
          return await write(plan, opts);
        } catch (again) {
          throw again instanceof ConnectorError ? again : classify(again);
        }
      }
      throw err instanceof ConnectorError ? err : classify(err);
    }
  }

  async function simple<T>(text: string, params: Value[] = []): Promise<T[]> {
    try {
      return (await sql.unsafe(text, params as never[])) as unknown as T[];
    } catch (err) {
      throw classify(err);
    }
  }

  const exporter = copyExporter(sql, bulk);

  return {
    query,
    execute,
    async export(plan, opts) {
      // Small reads stay on the one-round-trip path: COPY needs a connection of its own and a few more round trips.
      if (plan.type !== 'sql' || (opts.maxRows < PLAIN_MAX_ROWS && !opts.large)) return undefined;
      return await exporter.export(plan, opts);
    },
    async test() {
      await simple('SELECT 1');
    },
    async tables() {
      const rows = await simple<{ name: string; type: string }>(
        `SELECT CASE WHEN table_schema = current_schema() THEN table_name ELSE table_schema || '.' || table_name END AS name,
                table_type AS type
           FROM information_schema.tables
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg\\_%'
          ORDER BY table_schema <> current_schema(), 1`,
      );
      return rows.map((r) => ({ name: r.name, type: r.type === 'VIEW' ? 'view' : 'table' }));
    },
    async columns(table: string): Promise<ColumnInfo[]> {
      const rel = dialects.postgres.quote(checkIdentifier(table));
      const rows = await simple<{ name: string; type: string; nullable: boolean }>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
           FROM pg_catalog.pg_attribute a
          WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum`,
        [rel],
      );
      if (rows.length === 0) throw new ConnectorError('query', `unknown table "${table}"`);
      return rows;
    },
    async close() {
      await Promise.all([sql.end({ timeout: 1 }), exportConnections?.sql.end({ timeout: 1 })]);
    },
  };
}

export const driver: Driver = { open };
