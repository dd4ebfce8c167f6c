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

/** Oracle Net descriptor parts: `(HOST=…)`, `(PORT=…)`, `(SERVICE_NAME=…)` or `(SID=…)`. */
const descriptorPart = (text: string, key: string) => new RegExp(`\\(\\s*${key}\\s*=\\s*([^)\\s]+)\\s*\\)`, 'i').exec(text)?.[1];

/**
 * Where oci8 connected when MANTRA's hostname was empty: dbname held an Easy Connect string (//host:port/service)
 * or a whole descriptor. MANTRA's ADOdb took a dbname of the form SID=NAME as a SID, which the oracle connector
 * reads the same way.
 */
function oracleTarget(database: string, port: number | undefined): { host: string; port?: number; database: string } | undefined {
  const easy = /^(?:\/\/)?([^:/()]+)(?::(\d{1,5}))?\/([^:/()]+)$/.exec(database);
  if (easy) return { host: easy[1], port: easy[2] ? Number(easy[2]) : port, database: easy[3] };
  if (!database.startsWith('(')) return undefined;
  const host = descriptorPart(database, 'HOST');
  const service = descriptorPart(database, 'SERVICE_NAME');
  const sid = descriptorPart(database, 'SID');
  if (!host || !(service || sid)) return undefined;
  const p = descriptorPart(database, 'PORT');
  return { host, port: p ? Number(p) : port, database: service ?? `SID=${sid}` };
}

export function databaseOf(agency: string, src: DatabaseSource, rewrite: Rewrite): Database {
  let { hostname: host, port, database } = src;
  // mssql named instances (HOST\INSTANCE): the host is rewritten, the instance kept; without a port the SQL Server
  // Browser finds the instance's port, so none is filled in.
  let instance: string | undefined;
  if (src.kind === 'mssql' && host.includes('\\')) [host, instance] = [host.slice(0, host.indexOf('\\')), host.slice(host.indexOf('\\') + 1)];
  if (src.kind === 'oracle' && !host) ({ host, port, database } = oracleTarget(database, port) ?? { host, port, database });
  if (instance === undefined || port !== undefined) port ??= defaultPort[src.kind];
  const named = (h: string) => (instance !== undefined ? `${h}\\${instance}` : h);
  const origin = `${src.kind}://${src.user}@${named(host)}${port ? `:${port}` : ''}/${database}`;
  const moved = rewrite.apply(host, port);
  return {
    agency, kind: src.kind, host: moved.host && named(moved.host), port: moved.port, database, user: src.user, password: src.password, origin,
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
  if (!db.host && db.kind === 'oracle') {
    d.problems.push(`the oci8 dbname "${db.database}" names no host (a tnsnames.ora alias?): give host, port and service name`);
  } else if (!db.host) d.problems.push('the database has no hostname');
  if (!db.database) d.problems.push('the database has no name (dbname)');
  if (!db.moved && /^(localhost|127\.0\.0\.1|::1)(\\|$)/i.test(db.host)) {
    d.warnings.push(`host ${db.host} is the machine Mantra runs on; if the database stayed with the old MANTRA server, use --rewrite-host ${db.host}=HOST`);
  }
  return d;
}
