/** Reads the original MANTRA's tables (compat/README.md) from its MySQL/MariaDB database. */
import mysql from 'mysql2/promise';

/** A fatal import error: the run stops before anything is written. */
export class ImportError extends Error {}

export interface InstanceRow { id: string; instance: string; organization: string; webportal: string; email: string; descript: string }
export interface ServiceRow { id: string; instanceid: string; servicename: string; servicetype: string; descript: string }
export interface MethodRow {
  id: string; serviceid: string; methodname: string; methodtype: string; restricted: string; sourcecode: string | null; descript: string;
}
export interface UserRow {
  id: string; instanceid: string; fullname: string; email: string; logname: string; passkey: string; role: string; activity: string;
}
export interface OrderRow { id: string; userlog: string; accesskey: string; methodid: string; orderstatus: string }

export interface MantraTables {
  /** `mysql://host:port/dbname`, without credentials: names the installation in reports and the ledger. */
  source: string;
  instances: InstanceRow[];
  services: ServiceRow[];
  methods: MethodRow[];
  users: UserRow[];
  orders: OrderRow[];
}

/** Required columns make a database MANTRA's; the optional ones are read when present. */
const tables = {
  instances: { required: ['id', 'instance'], optional: ['organization', 'webportal', 'email', 'descript'] },
  services: { required: ['id', 'instanceid', 'servicename'], optional: ['servicetype', 'descript'] },
  methods: { required: ['id', 'serviceid', 'methodname', 'methodtype', 'sourcecode'], optional: ['restricted', 'descript'] },
  users: { required: ['id', 'logname', 'passkey', 'role'], optional: ['instanceid', 'fullname', 'email', 'activity'] },
  orders: { required: ['id', 'userlog', 'accesskey', 'methodid', 'orderstatus'], optional: [] },
} as const;
type Table = keyof typeof tables;

export function describeSource(from: string): { source: string; config: mysql.ConnectionOptions } {
  let url: URL;
  try {
    url = new URL(from);
  } catch {
    throw new ImportError('--from must be a URL like mysql://USER:PASS@HOST:PORT/DBNAME');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new ImportError(`--from must be a mysql:// URL (the original MANTRA keeps its tables in MySQL/MariaDB), not ${url.protocol}//`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new ImportError('--from must name the MANTRA database: mysql://USER:PASS@HOST:PORT/DBNAME');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = url.port ? Number(url.port) : 3306;
  return {
    source: `mysql://${url.hostname || '127.0.0.1'}:${port}/${database}`,
    config: {
      host, port, database,
      user: decodeURIComponent(url.username) || 'root',
      password: decodeURIComponent(url.password),
      charset: 'utf8mb4',
      connectTimeout: 10_000,
      // Ids stay text (BIGINT), dates are not needed: nothing is converted behind our back.
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
    },
  };
}

export async function readMantra(from: string): Promise<MantraTables> {
  const { source, config } = describeSource(from);
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection(config);
  } catch (err) {
    throw new ImportError(connectMessage(err as NodeJS.ErrnoException & { sqlMessage?: string }, config, source));
  }
  try {
    const present = await columnsOf(conn);
    const missing: string[] = [];
    for (const [table, spec] of Object.entries(tables) as [Table, (typeof tables)[Table]][]) {
      const cols = present.get(table);
      if (!cols) missing.push(`table ${table}`);
      else for (const c of spec.required) if (!cols.has(c)) missing.push(`${table}.${c}`);
    }
    if (missing.length) {
      throw new ImportError(`${source} is not a MANTRA database: it lacks ${missing.join(', ')}`);
    }
    const read = async <T>(table: Table): Promise<T[]> => {
      const spec = tables[table];
      const cols = [...spec.required, ...spec.optional.filter((c) => present.get(table)!.has(c))];
      // Names come from the fixed list above, never from input.
      const [rows] = await conn.query(`SELECT ${cols.map((c) => `\`${c}\``).join(', ')} FROM \`${table}\` ORDER BY \`id\``);
      return (rows as Record<string, unknown>[]).map((row) => {
        const out: Record<string, string | null> = {};
        for (const c of [...spec.required, ...spec.optional]) {
          const v = row[c];
          out[c] = v === null || v === undefined ? (c === 'sourcecode' ? null : '') : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
        }
        return out as T;
      });
    };
    return {
      source,
      instances: await read<InstanceRow>('instances'),
      services: await read<ServiceRow>('services'),
      methods: await read<MethodRow>('methods'),
      users: await read<UserRow>('users'),
      orders: await read<OrderRow>('orders'),
    };
  } finally {
    await conn.end().catch(() => {});
  }
}

async function columnsOf(conn: mysql.Connection): Promise<Map<string, Set<string>>> {
  const [rows] = await conn.query(
    'SELECT LOWER(table_name) AS t, LOWER(column_name) AS c FROM information_schema.columns WHERE table_schema = DATABASE()',
  );
  const out = new Map<string, Set<string>>();
  for (const { t, c } of rows as { t: string; c: string }[]) {
    if (!out.has(t)) out.set(t, new Set());
    out.get(t)!.add(c);
  }
  return out;
}

/** A clear reason for a failed connection; never the password. */
function connectMessage(err: NodeJS.ErrnoException & { sqlMessage?: string }, config: mysql.ConnectionOptions, source: string): string {
  const at = `${config.host}:${config.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `cannot reach the MANTRA database at ${at}: connection refused (is MySQL/MariaDB running there?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach the MANTRA database: host ${config.host} not found`;
    case 'ETIMEDOUT':
      return `cannot reach the MANTRA database at ${at}: no answer within ${Number(config.connectTimeout) / 1000} s`;
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return `the MANTRA database at ${at} refused user ${config.user}: ${err.sqlMessage ?? 'access denied'}`;
    case 'ER_BAD_DB_ERROR':
      return `${source}: no database ${config.database} on that server`;
    default:
      return `cannot open the MANTRA database ${source}: ${err.sqlMessage ?? err.message ?? err.code}`;
  }
}
