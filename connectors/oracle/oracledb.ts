/** The part of node-oracledb (thin mode) this connector uses, typed here: the package ships no type declarations. */
import oracledbModule from 'oracledb';

export interface DbType {
  name: string;
}

export interface Metadata {
  name: string;
  dbType: DbType;
  precision?: number;
  scale?: number;
}

export interface ResultSet {
  metaData: Metadata[];
  getRows(n: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface ExecuteOptions {
  outFormat?: number;
  resultSet?: boolean;
  fetchArraySize?: number;
  prefetchRows?: number;
  autoCommit?: boolean;
  fetchTypeHandler?: (m: Metadata) => { type: number } | undefined;
}

export interface OraConnection {
  execute(sql: string, binds: unknown[], options: ExecuteOptions): Promise<{ resultSet?: ResultSet; rowsAffected?: number; rows?: Record<string, unknown>[] }>;
  breakExecution(): Promise<void>;
  close(opts?: { drop?: boolean }): Promise<void>;
}

export interface OraPool {
  getConnection(): Promise<OraConnection>;
  close(drainSeconds?: number): Promise<void>;
}

export interface PoolAttributes {
  user?: string;
  password?: string;
  connectString: string;
  poolMin: number;
  poolMax: number;
  poolIncrement: number;
  poolTimeout: number;
  queueTimeout: number;
  connectTimeout: number;
  transportConnectTimeout: number;
  stmtCacheSize: number;
  sessionCallback?: (conn: OraConnection, requestedTag: string, done: (err?: unknown) => void) => void;
}

export interface OracleDb {
  thin: boolean;
  OUT_FORMAT_OBJECT: number;
  STRING: number;
  BUFFER: number;
  createPool(attrs: PoolAttributes): Promise<OraPool>;
}

export const oracledb = oracledbModule as unknown as OracleDb;
