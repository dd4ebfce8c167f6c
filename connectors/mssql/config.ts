import type { ConnectionConfiguration } from 'tedious';
import type { Connector } from '../../src/model/connector.ts';

/** Where a SQL Server listens: `host\INSTANCE` names an instance, found through the SQL Server Browser (UDP 1434). */
export function serverOf(config: Connector): { server: string; instanceName?: string; port?: number } {
  const host = config.host ?? '127.0.0.1';
  const slash = host.indexOf('\\');
  const server = slash < 0 ? host : host.slice(0, slash);
  const instanceName = slash < 0 ? undefined : host.slice(slash + 1) || undefined;
  // tedious takes a port or an instance name, not both: an explicit port wins, as it does for SQL Server's own clients.
  if (config.port !== undefined || instanceName === undefined) return { server, port: config.port ?? 1433 };
  return { server, instanceName };
}

/**
 * TLS by the connector's `ssl` setting. disable/prefer: the client offers no encryption and a server that
 * requires it is refused (tedious cannot downgrade); require: encrypted, any certificate; verify-full: encrypted,
 * the certificate must be valid for the host.
 */
export function tlsOf(ssl: Connector['ssl']): { encrypt: boolean; trustServerCertificate: boolean } {
  switch (ssl) {
    case 'require':
      return { encrypt: true, trustServerCertificate: true };
    case 'verify-full':
      return { encrypt: true, trustServerCertificate: false };
    default:
      return { encrypt: false, trustServerCertificate: true };
  }
}

/** How long tedious waits for the server to acknowledge a cancel (attention) before it drops the connection. */
export const CANCEL_TIMEOUT_MS = 3000;

export function connectionConfig(config: Connector): ConnectionConfiguration {
  const { server, instanceName, port } = serverOf(config);
  return {
    server,
    authentication: { type: 'default', options: { userName: config.user ?? '', password: config.password ?? '' } },
    options: {
      ...(port !== undefined ? { port } : { instanceName }),
      ...(config.database ? { database: config.database } : {}),
      ...tlsOf(config.ssl),
      connectTimeout: config.connectTimeoutMs ?? 10_000,
      // Statement time is kept by the driver's Watch (it pauses while a batch is handed on); tedious's own clock
      // would run through those pauses.
      requestTimeout: 0,
      cancelTimeout: CANCEL_TIMEOUT_MS,
      // A failed login is reported at once, not retried three times (tedious retries "transient" ones such as 4060).
      maxRetriesOnTransientErrors: 0,
      useUTC: true,
      useColumnNames: false,
      rowCollectionOnRequestCompletion: false,
      appName: 'mantra',
      abortTransactionOnError: true,
    },
  };
}
