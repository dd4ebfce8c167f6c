import type { Connector } from '../src/model/connector.ts';
import type { Plan, Row, SqlPlan } from './types.ts';
import type { Signal } from './cancel.ts';
import type { FileAccess } from './file-access.ts';
import { ConnectorError, messages } from './errors.ts';

/** How a read runs. The driver delivers at most `maxRows` rows, then stops reading (cleanly, not an error). */
export interface QueryOptions {
  /** Aborted when the consumer goes away or the job gives up; the driver cancels the statement. */
  signal: Signal;
  /** Bounds each wait on the database; time spent in `onBatch` (a slow consumer) does not count. */
  timeoutMs: number;
  batchSize: number;
  maxRows: number;
  /** Receives rows in order; the driver waits for the returned promise before reading on (backpressure). */
  onBatch(rows: Row[]): void | Promise<void>;
}

export interface ExecuteOptions {
  signal: Signal;
  timeoutMs: number;
}

export interface TableInfo {
  /** As a table-form operation names it (schema-qualified outside the default schema). */
  name: string;
  type: 'table' | 'view';
}

export interface ColumnInfo {
  name: string;
  /** The database's own type name, e.g. `character varying(16)`, `int(11)`, `C(30)`. */
  type: string;
  nullable: boolean;
}

/** One connector's connections inside one thread. Connects lazily; survives database restarts. */
export interface DriverPool {
  /** Streams a read's rows to `onBatch`; resolves with the number of rows delivered. */
  query(plan: Plan, opts: QueryOptions): Promise<number>;
  /** Runs a write; resolves with the affected row count. */
  execute(plan: SqlPlan, opts: ExecuteOptions): Promise<number>;
  /** Connects and runs a trivial query. */
  test(): Promise<void>;
  tables(): Promise<TableInfo[]>;
  columns(table: string): Promise<ColumnInfo[]>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Connections this thread may hold: the connector's pool size shared among the threads. */
  maxConnections: number;
  /** File-based kinds: where their file may lie (see file-access.ts). */
  files?: FileAccess;
}

export interface Driver {
  open(config: Connector, opts: OpenOptions): DriverPool;
}

/**
 * The statement timer and the cancel signal of one database call. The timer runs while the driver waits on the
 * database and is paused while a batch is handed on. On either, `cancel` runs once and `error()` tells which.
 */
export class Watch {
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** What cancels the statement now; drivers may swap it as the call moves on (connect, run, hand on). */
  onFire: (() => void) | undefined;
  #timeoutMs: number;
  #signal: Signal;
  #onAbort = () => this.#fire('cancelled');
  fired: 'timeout' | 'cancelled' | undefined;

  constructor(opts: { timeoutMs: number; signal: Signal }, onFire?: () => void) {
    this.onFire = onFire;
    this.#timeoutMs = opts.timeoutMs;
    this.#signal = opts.signal;
    if (opts.signal.aborted) this.fired = 'cancelled';
    else {
      opts.signal.addEventListener('abort', this.#onAbort, { once: true });
      this.resume();
    }
  }

  #fire(reason: 'timeout' | 'cancelled') {
    if (this.fired) return;
    this.fired = reason;
    this.pause();
    try {
      this.onFire?.();
    } catch {
      // best effort: the error path reports `fired`
    }
  }

  pause() {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  resume() {
    if (this.fired || this.#timeoutMs <= 0) return;
    this.pause();
    this.#timer = setTimeout(() => this.#fire('timeout'), this.#timeoutMs);
  }

  /** Ends the watch; call in `finally`. */
  stop() {
    this.pause();
    this.#signal.removeEventListener('abort', this.#onAbort);
  }

  /** For drivers that keep their own clock (sqlite): the time is up. */
  expire() {
    this.#fire('timeout');
  }

  /** For drivers that poll (sqlite, dbf): throws once fired. */
  check() {
    if (this.fired) throw this.error();
  }

  error(): ConnectorError {
    return this.fired === 'timeout'
      ? new ConnectorError('timeout', messages.timeout)
      : new ConnectorError('cancelled', messages.cancelled);
  }
}

/**
 * Runs a read, and once more when it failed before delivering anything with an error `retryable` accepts (a
 * connection the server dropped, a stray cancel). Our own timeouts and cancels arrive as ConnectorErrors: no retry.
 */
export async function readOnceMore(
  read: (opts: QueryOptions) => Promise<number>,
  opts: QueryOptions,
  retryable: (err: unknown) => boolean,
  classify: (err: unknown) => ConnectorError,
): Promise<number> {
  let delivered = 0;
  const counting: QueryOptions = { ...opts, onBatch: (rows: Row[]) => ((delivered += rows.length), opts.onBatch(rows)) };
  const attempt = () => read(counting).catch((err) => Promise.reject(err instanceof ConnectorError ? err : Object.assign(classify(err), { raw: err })));
  try {
    return await attempt();
  } catch (err) {
    const raw = (err as { raw?: unknown }).raw;
    if (raw !== undefined && delivered === 0 && !opts.signal.aborted && retryable(raw)) return await attempt();
    throw err;
  }
}

/** Runs a small introspection statement (connection test, tables, columns) and collects its rows, uncancellable. */
export async function introspect<T extends Row>(
  query: (plan: Plan, opts: QueryOptions) => Promise<number>, text: string, params: SqlPlan['params'], timeoutMs: number,
): Promise<T[]> {
  const rows: Row[] = [];
  const never = { aborted: false, addEventListener() {}, removeEventListener() {} };
  await query({ type: 'sql', sql: text, params, write: false }, { signal: never, timeoutMs, batchSize: 1000, maxRows: 100_000, onBatch: (b) => void rows.push(...b) });
  return rows as T[];
}
