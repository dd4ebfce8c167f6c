import type { Connector } from '../src/model/connector.ts';
import type { Row, Value } from '../src/formats/types.ts';
import type { FileAccess } from './file-access.ts';

export type { Row, Value };

/** A statement ready to run: SQL with the database's own placeholders, and the bound values in order. */
export interface SqlPlan {
  type: 'sql';
  sql: string;
  params: Value[];
  /** Statement writes: the answer is the affected row count. */
  write: boolean;
}

/** DBF has no SQL: the table form runs as a scan with the conditions evaluated in the worker. */
export interface ScanPlan {
  type: 'scan';
  table: string;
  columns: string[];
  where: { column: string; op: string; value: Value; join: 'AND' | 'OR' }[];
  order: { column: string; dir: 'ASC' | 'DESC' }[];
  limit?: number;
  offset?: number;
}

export type Plan = SqlPlan | ScanPlan;

/** Output shaping applied per row in the worker, before encoding. */
export interface RowShape {
  fields?: { from: string; as?: string }[];
  labels?: Record<string, Record<string, string>>;
  hide?: string[];
  mask?: string[];
}

/** A connector as a worker sees it: secrets already decrypted, `version` tells when to rebuild its pool. */
export interface ConnectorRef {
  id: string;
  version: number;
  config: Connector;
  /** File-based kinds: the folders their file may lie in; without it they open no file (sqlite: only :memory:). */
  files?: FileAccess;
}
