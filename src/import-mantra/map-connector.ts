import type { ConnectorKind } from '../model/connector.ts';
import { type Draft, draft, itemKey } from './common.ts';
import type { Rewrite } from './rewrite.ts';
import type { DatabaseSource } from './sourcecode.ts';

const defaultPort: Partial<Record<ConnectorKind, number>> = { postgres: 5432, mysql: 3306, mssql: 1433, oracle: 1521 };

/** Where a database method's data lives, after --rewrite-host; `origin` names it as MANTRA did. */
export interface Database {
  agency: string;
  kind: ConnectorKind;
  host: string;
  port?: number;
  database: string;
  user: string;
  password: string;
  origin: string;
  /** --rewrite-host changed its host or port. */
  moved: boolean;
}

export function databaseOf(agency: string, src: DatabaseSource, rewrite: Rewrite): Database {
  let { hostname: host, port, database } = src;
  // oci8 connected with an Easy Connect string in dbname when hostname was empty: //host:port/service.
  if (src.kind === 'oracle' && !host) {
    const m = /^(?:\/\/)?([^:/]+)(?::(\d{1,5}))?\/(.+)$/.exec(database);
    if (m) [host, port, database] = [m[1], m[2] ? Number(m[2]) : port, m[3]];
  }
  port ??= defaultPort[src.kind];
  const origin = `${src.kind}://${src.user}@${host}${port ? `:${port}` : ''}/${database}`;
  const moved = rewrite.apply(host, port);
  return {
    agency, kind: src.kind, host: moved.host, port: moved.port, database, user: src.user, password: src.password, origin,
    moved: moved.host !== host || moved.port !== port,
  };
}

/** One connector per distinct database (kind, host, port, name, user) of an agency; the password is sealed by the plan. */
export function mapConnector(db: Database, slug: string, from: string): Draft {
  const d = draft('connector', `${db.agency}/${slug}`, from, {
    agency: db.agency,
    slug,
    kind: db.kind,
    description: `Imported from MANTRA (${db.origin})`,
    host: db.host || undefined,
    port: db.port,
    database: db.database || undefined,
    user: db.user || undefined,
    password: db.password || undefined,
  });
  d.origin = db.origin;
  // Written only for methods that are imported themselves (a duplicate method alone does not make one).
  d.onlyIfNeeded = true;
  d.needs.push(itemKey('agency', db.agency));
  if (!db.host) d.problems.push('the database has no hostname');
  if (!db.database) d.problems.push('the database has no name (dbname)');
  if (!db.moved && /^(localhost|127\.0\.0\.1|::1)$/i.test(db.host)) {
    d.warnings.push(`host ${db.host} is the machine Mantra runs on; if the database stayed with the old MANTRA server, use --rewrite-host ${db.host}=HOST`);
  }
  return d;
}
