import { Request } from 'tedious';
// tedious does not re-export its column metadata type from the package root.
import type { ColumnMetadata } from 'tedious/lib/token/colmetadata-token-parser';
import type { Connector } from '../../src/model/connector.ts';
import { type ColumnInfo, type Driver, type DriverPool, type ExecuteOptions, type OpenOptions, type QueryOptions, introspect, readOnceMore, Watch } from '../driver.ts';
import { ConnectorError } from '../errors.ts';
import { checkIdentifier } from '../sql/dialect.ts';
import type { Plan, Row, SqlPlan, Value } from '../types.ts';
import { connectionConfig } from './config.ts';
import { type Conn, connect } from './connection.ts';
import { classify, isDropped } from './errors.ts';
import { bindAll } from './params.ts';
import { ConnectionPool } from './pool.ts';
import { type RowReader, rowReader } from './values.ts';

const IDLE_MS = 120_000;

function open(config: Connector, opts: OpenOptions): DriverPool {
  const settings = connectionConfig(config);
  const connectMs = config.connectTimeoutMs ?? 10_000;
  const pool = new ConnectionPool<Conn>({
    max: opts.maxConnections,
    idleMs: IDLE_MS,
    create: () => connect(settings, connectMs),
    destroy: (c) => ((c.dead = true), c.tedious.close()),
    alive: (c) => !c.dead,
  });

  /** A pooled connection; the wait for one counts against the statement time. */
  async function acquire(watch: Watch): Promise<Conn> {
    watch.check();
    const a = pool.acquire();
    watch.onFire = () => a.abandon(watch.error());
    try {
      return await a.promise;
    } finally {
      watch.onFire = undefined;
    }
  }

  /** Without parameters a plain SQL batch; with them sp_executesql (an RPC) with typed @p1, @p2, … */
  function send(conn: Conn, plan: SqlPlan, request: Request) {
    if (plan.params.length === 0) conn.tedious.execSqlBatch(request);
    else {
      bindAll(request, plan.params);
      conn.tedious.execSql(request);
    }
  }

  /**
   * Runs one statement on `conn`, streaming its rows. The connection goes back to the pool when tedious is done with
   * it (after the server acknowledged a cancel), which may be after this promise settled: a timeout, a cancel or the
   * row limit answer at once, and the TDS attention stops the statement in the server meanwhile.
   */
  function stream(conn: Conn, plan: SqlPlan, opts: QueryOptions, watch: Watch): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let delivered = 0;
      let batch: Row[] = [];
      let reader: RowReader | undefined;
      let settled = false;
      let cancelled = false;
      let handing: Promise<void> = Promise.resolve();
      const settle = (err?: unknown) => {
        if (settled) return;
        settled = true;
        watch.onFire = undefined;
        if (err !== undefined) return reject(err);
        if (batch.length) hand(batch, true);
        batch = [];
        handing.then(() => resolve(delivered), reject);
      };
      const cancel = () => {
        if (cancelled) return;
        cancelled = true;
        conn.tedious.cancel();
      };
      /** Hands a full batch on with the request paused (backpressure); the last one after the statement ended. */
      const hand = (rows: Row[], last = false) => {
        if (!last) {
          watch.pause();
          request.pause();
        }
        handing = handing.then(() => opts.onBatch(rows)).then(
          () => {
            if (last || settled || watch.fired) return;
            watch.resume();
            request.resume();
          },
          (err) => {
            if (last) return Promise.reject(err);
            cancel();
            settle(err);
          },
        );
      };
      const request = new Request(plan.sql, (err) => {
        // tedious is done with the connection: the statement ended, failed, or its cancel was acknowledged.
        if (err && (conn.dead || isDropped(err))) pool.discard(conn);
        else pool.release(conn);
        if (settled) return;
        if (err) return settle(watch.fired ? watch.error() : err);
        settle();
      });
      request.on('columnMetadata', (meta) => {
        try {
          reader = rowReader(meta as ColumnMetadata[]);
        } catch (err) {
          cancel();
          settle(err);
        }
      });
      request.on('row', (columns) => {
        if (settled || cancelled || !reader) return;
        if (delivered >= opts.maxRows) {
          // More rows than the caller takes: stop the statement; what was read goes on.
          cancel();
          return settle();
        }
        batch.push(reader.read(columns as { value: unknown }[]));
        delivered++;
        if (batch.length >= opts.batchSize) {
          const full = batch;
          batch = [];
          hand(full);
        }
      });
      watch.onFire = () => {
        cancel();
        settle(watch.error());
      };
      send(conn, plan, request);
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
    if (plan.type !== 'sql') throw new ConnectorError('config', 'a SQL Server connector runs SQL plans only');
    return readOnceMore((o) => read(plan, o), opts, isDropped, (err) => classify(err));
  }

  async function execute(plan: SqlPlan, opts: ExecuteOptions): Promise<number> {
    const watch = new Watch(opts);
    try {
      const conn = await acquire(watch);
      return await new Promise<number>((resolve, reject) => {
        const request = new Request(plan.sql, (err, rowCount) => {
          if (err && (conn.dead || isDropped(err))) pool.discard(conn);
          else pool.release(conn);
          if (watch.fired) return;
          err ? reject(err) : resolve(rowCount ?? 0);
        });
        watch.onFire = () => {
          conn.tedious.cancel();
          reject(watch.error());
        };
        send(conn, plan, request);
      });
    } catch (err) {
      throw watch.fired ? watch.error() : classify(err);
    } finally {
      watch.stop();
    }
  }

  /** A small introspection query, bounded by the connect timeout. */
  const simple = <T extends Row>(text: string, params: Value[] = []) => introspect<T>(query, text, params, connectMs);

  return {
    query,
    execute,
    async test() {
      await simple('SELECT 1 AS ok');
    },
    async tables() {
      const rows = await simple<{ name: string; type: string }>(
        `SELECT CASE WHEN TABLE_SCHEMA = SCHEMA_NAME() THEN TABLE_NAME ELSE TABLE_SCHEMA + '.' + TABLE_NAME END AS name,
                TABLE_TYPE AS type
           FROM INFORMATION_SCHEMA.TABLES
          ORDER BY CASE WHEN TABLE_SCHEMA = SCHEMA_NAME() THEN 0 ELSE 1 END, 1`,
      );
      return rows.map((r) => ({ name: r.name, type: r.type === 'VIEW' ? 'view' : 'table' }));
    },
    async columns(table: string): Promise<ColumnInfo[]> {
      const parts = checkIdentifier(table).split('.');
      const [schema, name] = parts.length > 1 ? [parts[0], parts[1]] : [null, parts[0]];
      const rows = await simple<{ name: string; type: string; nullable: boolean }>(
        `SELECT COLUMN_NAME AS name,
                DATA_TYPE + CASE
                  WHEN CHARACTER_MAXIMUM_LENGTH = -1 THEN '(max)'
                  WHEN CHARACTER_MAXIMUM_LENGTH IS NOT NULL THEN '(' + CAST(CHARACTER_MAXIMUM_LENGTH AS varchar(11)) + ')'
                  WHEN DATA_TYPE IN ('decimal', 'numeric') THEN '(' + CAST(NUMERIC_PRECISION AS varchar(3)) + ',' + CAST(NUMERIC_SCALE AS varchar(3)) + ')'
                  ELSE '' END AS type,
                CAST(CASE WHEN IS_NULLABLE = 'YES' THEN 1 ELSE 0 END AS bit) AS nullable
           FROM INFORMATION_SCHEMA.COLUMNS
          WHERE TABLE_SCHEMA = COALESCE(@p1, SCHEMA_NAME()) AND TABLE_NAME = @p2
          ORDER BY ORDINAL_POSITION`,
        [schema, name],
      );
      if (rows.length === 0) throw new ConnectorError('query', `unknown table "${table}"`);
      return rows.map((r) => ({ name: r.name, type: r.type, nullable: r.nullable }));
    },
    async close() {
      pool.close();
    },
  };
}

export const driver: Driver = { open };
