import postgres from 'postgres';
import { PgStoreError } from './errors.ts';
import { isPostgresUrl } from './url.ts';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;


interface ConnectOptions {
  max?: number;
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
  return postgres(url, {
    max: opts.max ?? 4,
    connect_timeout: 5,
    idle_timeout: opts.listening ? 0 : 60,
    max_lifetime: opts.listening ? null : undefined,
    keep_alive: 10,
    onnotice: () => {},
    // postgres.js hands notifications to this option; its types do not list it.
    ...({ onnotify: opts.onnotify } as object),
    onclose: opts.onclose,
    connection: { application_name: 'mantra' },
  });
}
