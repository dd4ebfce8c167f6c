import postgres from 'postgres';
import { connectionCause, PgStoreError } from './errors.ts';
import { isPostgresUrl } from './url.ts';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

/**
 * Server-side limits on every connection of the store, so that nothing can hold a lock for long: a statement runs
 * at most 30 s, waits at most 10 s for a lock (a config write for the revision row), and a transaction left idle
 * (its client stuck or gone quiet) is ended by the server after 15 s, which releases its locks.
 */
export const SERVER_TIMEOUTS = {
  statement_timeout: 30_000,
  lock_timeout: 10_000,
  idle_in_transaction_session_timeout: 15_000,
};

interface ConnectOptions {
  max?: number;
  /** This pool's statement timeout in ms instead of SERVER_TIMEOUTS' (the check's connection: a few seconds). */
  statementTimeout?: number;
  /** application_name, to tell the store's connections apart in pg_stat_activity. */
  name?: string;
  /** The LISTEN connection: never closed for being idle or old (a reconnect would lose notifications). */
  listening?: boolean;
  onnotify?: (channel: string, payload: string) => void;
  onclose?: () => void;
}

/**
 * A pool for the store. Short connect timeouts so that a lost server turns into a clear 'unavailable' within
 * seconds instead of a request hanging; notices (e.g. "relation exists, skipping") are not for the log.
 */
export function connect(url: string, opts: ConnectOptions = {}): Sql {
  if (!isPostgresUrl(url)) throw new PgStoreError('url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PgStoreError('url');
  }
  // Without a host or a database the driver would guess them (a local socket, the user's database).
  if (!parsed.hostname || parsed.pathname.length < 2) throw new PgStoreError('url');
  const sql = postgres(url, {
    max: opts.max ?? 4,
    connect_timeout: 5,
    idle_timeout: opts.listening ? 0 : 60,
    max_lifetime: opts.listening ? null : undefined,
    keep_alive: 10,
    onnotice: () => {},
    // postgres.js hands notifications to this option; its types do not list it.
    ...({ onnotify: opts.onnotify } as object),
    onclose: opts.onclose,
    connection: {
      application_name: opts.name ?? 'mantra', ...SERVER_TIMEOUTS,
      ...(opts.statementTimeout ? { statement_timeout: opts.statementTimeout } : {}),
    },
  });
  fetchTypesOnce(sql);
  return sql;
}

/**
 * postgres.js 3.4.9 reads the server's array types on every new connection, in a query whose failure nobody
 * handles: a connection killed meanwhile (pg_terminate_backend, a restart) is an unhandled rejection, which ends
 * the process. The types are the same for the whole pool once read, so only connections made before the first
 * read succeeded ask again.
 */
function fetchTypesOnce(sql: Sql) {
  const options = sql.options as unknown as { fetch_types: boolean; shared: { typeArrayMap: Record<string, unknown> } };
  Object.defineProperty(options, 'fetch_types', {
    get: () => Object.keys(options.shared.typeArrayMap).length === 0,
    configurable: true,
  });
}

/** Set once the connection of a transaction is gone: nothing more may be sent on it. */
export interface TxGuard {
  lost: boolean;
}

const never = <T>() => new Promise<T>(() => {});

/**
 * sql.begin() for a connection that may die. postgres.js 3.4.9 answers a failed transaction body with a ROLLBACK
 * (or a SAVEPOINT's) written to the connection even when that connection has closed, and that write throws
 * outside any promise: the process would crash (porsager/postgres#1208). So a body that failed because ITS
 * connection went away never settles (the transaction itself still rejects, from the connection's close), and
 * the guard tells the body's later steps to send nothing more. Only this transaction's own connection counts:
 * `guard.lost` (set by whoever saw one of its statements fail for the connection) or a driver connection error
 * thrown straight out of the body. Any other failure (a StoreError, a statement timeout, a refused write) is
 * rolled back on the live connection, so no transaction is ever left open holding its locks.
 */
export function begin<T>(sql: Sql, fn: (tx: Tx, guard: TxGuard) => Promise<T>, mode = ''): Promise<T> {
  const guard: TxGuard = { lost: false };
  const body = (tx: Tx) => fn(tx, guard).catch((err) => {
    if (guard.lost || connectionCause(err)) {
      guard.lost = true;
      return never<T>();
    }
    throw err;
  });
  const run = (mode ? sql.begin(mode, body) : sql.begin(body)) as Promise<T>;
  run.catch((err) => {
    if (connectionCause(err)) guard.lost = true;
  });
  return run;
}

/** A savepoint in a transaction opened by begin(), under the same guard. */
export function savepoint<T>(tx: Tx, guard: TxGuard, fn: (sp: Tx) => Promise<T>): Promise<T> {
  return tx.savepoint((sp) => fn(sp).catch((err) => {
    if (guard.lost || connectionCause(err)) {
      guard.lost = true;
      return never<T>();
    }
    throw err;
  })) as Promise<T>;
}
