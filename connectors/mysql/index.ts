import mysql from 'mysql2';
import type { Connector } from '../../src/model/connector.ts';
import { type ColumnInfo, type Driver, type DriverPool, type ExecuteOptions, type OpenOptions, type QueryOptions, readOnceMore, Watch } from '../driver.ts';
import { ConnectorError } from '../errors.ts';
import { checkIdentifier } from '../sql/dialect.ts';
import type { Plan, Row, SqlPlan, Value } from '../types.ts';
import { classify, isStaleConnection } from './errors.ts';
import { fixer } from './values.ts';

type Conn = mysql.PoolConnection;

/** How long to wait for KILL before reporting the statement ended. */
const KILL_WAIT_MS = 2000;

function open(config: Connector, opts: OpenOptions): DriverPool {
  const ssl = config.ssl === 'require' ? { rejectUnauthorized: false } : config.ssl === 'verify-full' ? {} : undefined;
  const settings = {
    host: config.host ?? '127.0.0.1',
    port: config.port ?? 3306,
    user: config.user,
    password: config.password ?? '',
    database: config.database,
    ssl,
    charset: 'utf8mb4',
    connectTimeout: config.connectTimeoutMs ?? 10_000,
    // Values as PHP's mysqli sees them: dates and datetimes as the server's text, big integers and decimals as text.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    enableKeepAlive: true,
  };
  const pool = mysql.createPool({
    ...settings,
    connectionLimit: opts.maxConnections,
    maxIdle: opts.maxConnections,
    idleTimeout: 120_000,
    maxPreparedStatements: 256,
  });
  pool.on('error', () => {}); // connection errors surface on the query that meets them

  /** A separate connection for KILL: the pool may be full of the very queries to kill. */
  let killer: mysql.Connection | undefined;
  function kill(threadId: number | null): Promise<void> {
    if (!threadId) return Promise.resolve();
    if (!killer) {
      killer = mysql.createConnection(settings);
      killer.on('error', () => (killer = undefined));
    }
    const k = killer;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, KILL_WAIT_MS);
      // threadId is the server's own number for our connection, never caller input.
      k.query(`KILL CONNECTION ${Number(threadId)}`, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** A pooled connection; the wait for one counts against the statement timeout. */
  function acquire(watch: Watch): Promise<Conn> {
    watch.check();
    return new Promise((resolve, reject) => {
      let done = false;
      watch.onFire = () => {
        done = true;
        reject(watch.error());
      };
      pool.getConnection((err, conn) => {
        if (done) return conn?.release();
        done = true;
        watch.onFire = undefined;
        err ? reject(err) : resolve(conn);
      });
    });
  }

  /**
   * Ends a statement that must not finish: the connection is dropped and its server thread killed (a thread
   * blocked writing rows to a paused client, or sleeping, would not notice a plain KILL QUERY soon).
   */
  async function abandon(conn: Conn) {
    const id = conn.threadId;
    conn.destroy();
    await kill(id);
  }

  function stream(conn: Conn, plan: SqlPlan, opts: QueryOptions, watch: Watch): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let delivered = 0;
      let batch: Row[] = [];
      let fix: ((row: Row) => void) | undefined;
      let settled = false;
      let stopping = false;
      let handing: Promise<void> = Promise.resolve();
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else handing.then(() => resolve(delivered), reject);
      };
      const stop = (err?: unknown) => {
        if (settled || stopping) return;
        stopping = true;
        abandon(conn).finally(() => {
          const failed = err ?? (watch.fired ? watch.error() : undefined);
          // Stopped at the row limit: what was read still goes on.
          if (!failed && batch.length) hand(batch, true);
          batch = [];
          finish(failed);
        });
      };
      watch.onFire = () => stop();
      /** Hands a full batch on with the connection paused (backpressure); the last one after release. */
      const hand = (rows: Row[], last = false) => {
        if (!last) {
          watch.pause();
          conn.pause();
        }
        handing = handing.then(() => opts.onBatch(rows)).then(
          () => {
            if (last || settled || watch.fired) return;
            watch.resume();
            conn.resume();
          },
          (err) => (last ? Promise.reject(err) : stop(err)),
        );
      };
      const cmd = conn.execute({ sql: plan.sql, values: plan.params as Value[] as never[] });
      cmd.on('fields', (fields: Parameters<typeof fixer>[0]) => void (fix = fixer(fields)));
      cmd.on('result', (row: Row) => {
        if (settled || stopping || watch.fired) return;
        if (delivered >= opts.maxRows) return stop();
        fix?.(row);
        batch.push(row);
        delivered++;
        if (batch.length >= opts.batchSize) {
          const full = batch;
          batch = [];
          hand(full);
        }
      });
      cmd.on('error', (err: unknown) => {
        if (settled || stopping) return;
        if (watch.fired) return stop();
        (err as { fatal?: boolean }).fatal ? conn.destroy() : conn.release();
        finish(err);
      });
      cmd.on('end', () => {
        if (settled || stopping || watch.fired) return;
        conn.release();
        if (batch.length) hand(batch, true);
        batch = [];
        finish();
      });
    });
  }

  async function read(plan: SqlPlan, opts: QueryOptions): Promise<number> {
    const watch = new Watch(opts);
    try {
      return await stream(await acquire(watch), plan, opts, watch);
    } catch (err) {
      throw watch.fired ? watch.error() : err;
    } finally {
      watch.stop();
    }
  }

  async function query(plan: Plan, opts: QueryOptions): Promise<number> {
    if (plan.type !== 'sql') throw new ConnectorError('config', 'a MySQL connector runs SQL plans only');
    return readOnceMore((o) => read(plan, o), opts, isStaleConnection, classify);
  }

  async function execute(plan: SqlPlan, opts: ExecuteOptions): Promise<number> {
    const watch = new Watch(opts);
    try {
      const c = await acquire(watch);
      return await new Promise<number>((resolve, reject) => {
        watch.onFire = () => abandon(c).finally(() => reject(watch.error()));
        c.execute(plan.sql, plan.params as never[], (err, result) => {
          if (watch.fired) return;
          if (err) {
            (err as { fatal?: boolean }).fatal ? c.destroy() : c.release();
            return reject(err);
          }
          c.release();
          resolve((result as { affectedRows?: number }).affectedRows ?? 0);
        });
      });
    } catch (err) {
      throw watch.fired ? watch.error() : classify(err);
    } finally {
      watch.stop();
    }
  }

  function simple<T>(text: string, params: Value[] = []): Promise<T[]> {
    return new Promise((resolve, reject) =>
      pool.execute(text, params as never[], (err, rows) => (err ? reject(classify(err)) : resolve(rows as T[]))),
    );
  }

  return {
    query,
    execute,
    async test() {
      await simple('SELECT 1');
    },
    async tables() {
      const rows = await simple<{ name: string; type: string }>(
        `SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES
          WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`,
      );
      return rows.map((r) => ({ name: r.name, type: /VIEW/.test(r.type) ? 'view' : 'table' }));
    },
    async columns(table: string): Promise<ColumnInfo[]> {
      const parts = checkIdentifier(table).split('.');
      const [schema, name] = parts.length > 1 ? [parts[0], parts[1]] : [null, parts[0]];
      const rows = await simple<{ name: string; type: string; nullable: number }>(
        `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE = 'YES' AS nullable FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
        [schema, name],
      );
      if (rows.length === 0) throw new ConnectorError('query', `unknown table "${table}"`);
      return rows.map((r) => ({ name: r.name, type: String(r.type), nullable: Boolean(Number(r.nullable)) }));
    },
    async close() {
      killer?.destroy();
      killer = undefined;
      await new Promise<void>((resolve) => pool.end(() => resolve()));
    },
  };
}

export const driver: Driver = { open };
