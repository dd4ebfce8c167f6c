import type { Connector } from '../../src/model/connector.ts';
import { type ColumnInfo, type Driver, type DriverPool, type ExecuteOptions, type OpenOptions, type QueryOptions, introspect, readOnceMore, Watch } from '../driver.ts';
import { ConnectorError } from '../errors.ts';
import { checkIdentifier } from '../sql/dialect.ts';
import type { Plan, Row, SqlPlan, Value } from '../types.ts';
import { connectString } from './connect-string.ts';
import { classify, isDropped } from './errors.ts';
import { type OraConnection, type OraPool, oracledb } from './oracledb.ts';
import { bindValues, fetchTypeHandler, rowReader } from './values.ts';

const IDLE_SECONDS = 120;

/** Session settings: ISO text converts to DATE and TIMESTAMP implicitly, whatever the server's NLS defaults are. */
const SESSION_SQL = `ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS' NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF'`;

/**
 * One statement's time limit and cancel: `stopped` rejects once the Watch fires, so the caller stops waiting at
 * once, and a driver call still in flight is interrupted with connection.break() (the server answers ORA-01013).
 * The connection is handed back only after that call has settled.
 */
function statement(opts: { timeoutMs: number; signal: QueryOptions['signal'] }) {
  let reject!: (err: unknown) => void;
  const stopped = new Promise<never>((_, r) => (reject = r));
  stopped.catch(() => {});
  let conn: OraConnection | undefined;
  let inflight: Promise<unknown> | undefined;
  const watch: Watch = new Watch(opts, () => {
    if (conn && inflight) conn.breakExecution().catch(() => {});
    reject(watch.error());
  });
  if (watch.fired) reject(watch.error());
  return {
    watch,
    stopped,
    use(c: OraConnection) {
      conn = c;
    },
    /** Waits for a driver call, or for the Watch, whichever comes first. */
    call<T>(p: Promise<T>): Promise<T> {
      inflight = p;
      p.then(() => inflight === p && (inflight = undefined), () => inflight === p && (inflight = undefined));
      return Promise.race([p, stopped]);
    },
    /** Resolves once no driver call is running on the connection. */
    idle: () => (inflight ?? Promise.resolve()).then(() => {}, () => {}),
  };
}

function open(config: Connector, opts: OpenOptions): DriverPool {
  const connectMs = config.connectTimeoutMs ?? 10_000;
  let pool: Promise<OraPool> | undefined;

  function getPool(): Promise<OraPool> {
    if (!pool) {
      const attrs = {
        user: config.user,
        password: config.password ?? '',
        connectString: connectString(config),
        poolMin: 0,
        poolMax: opts.maxConnections,
        poolIncrement: 1,
        poolTimeout: IDLE_SECONDS,
        // Waits for a connection are bounded by each statement's Watch.
        queueTimeout: 0,
        connectTimeout: Math.max(1, Math.ceil(connectMs / 1000)),
        transportConnectTimeout: Math.max(1, Math.ceil(connectMs / 1000)),
        stmtCacheSize: 64,
        sessionCallback: (conn: OraConnection, _tag: string, done: (err?: unknown) => void) => {
          conn.execute(SESSION_SQL, [], {}).then(() => done(), done);
        },
      };
      pool = oracledb.createPool(attrs);
      // A pool that could not be made is made again on the next call.
      pool.catch(() => (pool = undefined));
    }
    return pool;
  }

  /** A pooled connection; one that arrives after its caller left goes straight back. */
  async function acquire(s: ReturnType<typeof statement>): Promise<OraConnection> {
    s.watch.check();
    const p = await Promise.race([getPool(), s.stopped]);
    const getting = p.getConnection();
    getting.then((c) => s.watch.fired && c.close().catch(() => {}), () => {});
    const conn = await Promise.race([getting, s.stopped]);
    s.use(conn);
    return conn;
  }

  /** Hands the connection back once the driver is done with it (after a break, when the server answered it). */
  function giveBack(s: ReturnType<typeof statement>, conn: OraConnection | undefined, close?: () => Promise<void>) {
    if (!conn) return;
    void s.idle().then(async () => {
      await close?.().catch(() => {});
      await conn.close().catch(() => {});
    });
  }

  async function read(plan: SqlPlan, opts: QueryOptions): Promise<number> {
    const s = statement(opts);
    let conn: OraConnection | undefined;
    let closeRows: (() => Promise<void>) | undefined;
    try {
      conn = await acquire(s);
      const size = Math.max(1, Math.min(opts.batchSize, opts.maxRows));
      const result = await s.call(conn.execute(plan.sql, bindValues(plan.params), {
        resultSet: true, outFormat: oracledb.OUT_FORMAT_OBJECT, fetchArraySize: size, prefetchRows: size, fetchTypeHandler,
      }));
      const rs = result.resultSet!;
      closeRows = () => rs.close();
      const reader = rowReader(rs.metaData);
      let delivered = 0;
      while (delivered < opts.maxRows) {
        const want = Math.min(size, opts.maxRows - delivered);
        const raw = await s.call(rs.getRows(want));
        if (raw.length === 0) break;
        s.watch.pause();
        await opts.onBatch(raw.map((r) => reader.read(r)));
        s.watch.resume();
        s.watch.check();
        delivered += raw.length;
        if (raw.length < want) break;
      }
      return delivered;
    } catch (err) {
      throw s.watch.fired ? s.watch.error() : err;
    } finally {
      s.watch.stop();
      giveBack(s, conn, closeRows);
    }
  }

  async function query(plan: Plan, opts: QueryOptions): Promise<number> {
    if (plan.type !== 'sql') throw new ConnectorError('config', 'an Oracle connector runs SQL plans only');
    return readOnceMore((o) => read(plan, o), opts, isDropped, classify);
  }

  async function execute(plan: SqlPlan, opts: ExecuteOptions): Promise<number> {
    const s = statement(opts);
    let conn: OraConnection | undefined;
    try {
      conn = await acquire(s);
      const result = await s.call(conn.execute(plan.sql, bindValues(plan.params), { autoCommit: true }));
      return result.rowsAffected ?? 0;
    } catch (err) {
      throw s.watch.fired ? s.watch.error() : classify(err);
    } finally {
      s.watch.stop();
      giveBack(s, conn);
    }
  }

  /** A small introspection query, bounded by the connect timeout. */
  const simple = <T extends Row>(text: string, params: Value[] = []) => introspect<T>(query, text, params, connectMs);

  return {
    query,
    execute,
    async test() {
      await simple('SELECT 1 AS "ok" FROM dual');
    },
    async tables() {
      const rows = await simple<{ name: string; type: string }>(
        `SELECT CASE WHEN owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') THEN object_name ELSE owner || '.' || object_name END AS "name",
                object_type AS "type"
           FROM all_objects
          WHERE object_type IN ('TABLE', 'VIEW')
            AND owner IN (SELECT username FROM all_users WHERE oracle_maintained = 'N')
          ORDER BY CASE WHEN owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') THEN 0 ELSE 1 END, 1`,
      );
      return rows.map((r) => ({ name: r.name, type: r.type === 'VIEW' ? 'view' : 'table' }));
    },
    async columns(table: string): Promise<ColumnInfo[]> {
      const parts = checkIdentifier(table).split('.');
      const [schema, name] = parts.length > 1 ? [parts[0], parts[1]] : [null, parts[0]];
      const rows = await simple<{ name: string; type: string; nullable: string }>(
        `SELECT column_name AS "name",
                data_type || CASE
                  WHEN data_type IN ('VARCHAR2', 'NVARCHAR2', 'CHAR', 'NCHAR') THEN '(' || char_length || ')'
                  WHEN data_type = 'RAW' THEN '(' || data_length || ')'
                  WHEN data_type = 'NUMBER' AND data_precision IS NOT NULL THEN '(' || data_precision || ',' || data_scale || ')'
                  END AS "type",
                nullable AS "nullable"
           FROM all_tab_columns
          WHERE owner = COALESCE(:1, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')) AND table_name = :2
          ORDER BY column_id`,
        [schema, name],
      );
      if (rows.length === 0) throw new ConnectorError('query', `unknown table "${table}"`);
      return rows.map((r) => ({ name: r.name, type: r.type, nullable: r.nullable === 'Y' }));
    },
    async close() {
      const p = pool;
      pool = undefined;
      await p?.then((x) => x.close(0)).catch(() => {});
    },
  };
}

export const driver: Driver = { open };
