import { ConnectorError } from '../errors.ts';
import type { Value } from '../types.ts';
import { toValue, utcTimestamp } from '../values.ts';
import { type Metadata, oracledb } from './oracledb.ts';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * DATE and TIMESTAMP have no time zone: node-oracledb builds a Date in this process's zone from the stored fields,
 * so the local fields give them back as stored (a wall-clock time in a daylight-saving gap of the process's zone
 * would shift; servers run in UTC or in zones without DST, such as Indonesia's).
 */
function wallClock(d: Date, withFraction: boolean): string {
  const base = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const ms = d.getMilliseconds();
  return withFraction && ms ? `${base}.${pad(ms, 3).replace(/0+$/, '')}` : base;
}

type Convert = (v: unknown) => Value;
const asText: Convert = (v) => String(v);
const asNumber: Convert = (v) => (typeof v === 'number' ? v : String(v));

/**
 * Oracle column types (node-oracledb's names) and how values come out, as the other connectors give theirs:
 * NUMBER as text (exact), except integers of up to 15 digits (NUMBER(p,0), p ≤ 15), which are numbers like
 * PostgreSQL's int; DATE as YYYY-MM-DD HH:MM:SS (an Oracle DATE has a time); TIMESTAMP with its fraction (to the
 * millisecond, as node-oracledb reads it); CLOB as text; binary as UTF-8 text like the other drivers. A type
 * missing here (INTERVAL, OBJECT, CURSOR, VECTOR, BFILE) is refused with a clear error.
 */
export const columnTypes: Readonly<Record<string, Convert>> = {
  DB_TYPE_NUMBER: asNumber,
  DB_TYPE_BINARY_INTEGER: asNumber,
  DB_TYPE_BINARY_FLOAT: asNumber,
  DB_TYPE_BINARY_DOUBLE: asNumber,
  DB_TYPE_VARCHAR: asText,
  DB_TYPE_NVARCHAR: asText,
  DB_TYPE_CHAR: asText,
  DB_TYPE_NCHAR: asText,
  DB_TYPE_LONG: asText,
  DB_TYPE_LONG_NVARCHAR: asText,
  DB_TYPE_CLOB: asText,
  DB_TYPE_NCLOB: asText,
  DB_TYPE_XMLTYPE: asText,
  DB_TYPE_ROWID: asText,
  DB_TYPE_UROWID: asText,
  DB_TYPE_DATE: (v) => wallClock(v as Date, false),
  DB_TYPE_TIMESTAMP: (v) => wallClock(v as Date, true),
  DB_TYPE_TIMESTAMP_LTZ: (v) => wallClock(v as Date, true),
  DB_TYPE_TIMESTAMP_TZ: (v) => {
    const d = v as Date;
    const ms = d.getUTCMilliseconds();
    return `${utcTimestamp(d)}${ms ? `.${pad(ms, 3).replace(/0+$/, '')}` : ''} +00:00`;
  },
  DB_TYPE_RAW: toValue,
  DB_TYPE_LONG_RAW: toValue,
  DB_TYPE_BLOB: toValue,
  DB_TYPE_BOOLEAN: (v) => Boolean(v),
  DB_TYPE_JSON: toValue,
};

/** NUMBER columns that hold integers small enough for a JS number exactly. */
const smallInteger = (m: Metadata) => m.scale === 0 && (m.precision ?? 0) > 0 && (m.precision ?? 0) <= 15;

/** How node-oracledb fetches a column: LOBs inline as text or bytes, NUMBER as text unless a small integer. */
export function fetchTypeHandler(m: Metadata): { type: number } | undefined {
  switch (m.dbType.name) {
    case 'DB_TYPE_NUMBER':
      return smallInteger(m) ? undefined : { type: oracledb.STRING };
    case 'DB_TYPE_CLOB':
    case 'DB_TYPE_NCLOB':
      return { type: oracledb.STRING };
    case 'DB_TYPE_BLOB':
      return { type: oracledb.BUFFER };
    default:
      return undefined;
  }
}

export interface RowReader {
  read(raw: Record<string, unknown>): Record<string, Value>;
}

/** Per result set: one converter per column; an unknown type fails before any row is read. */
export function rowReader(meta: Metadata[]): RowReader {
  const names = meta.map((m) => m.name);
  const converts = meta.map((m) => {
    const convert = columnTypes[m.dbType.name];
    if (!convert) {
      const type = m.dbType.name.replace(/^DB_TYPE_/, '');
      throw new ConnectorError('query', `the column type ${type} of "${m.name}" is not supported`, `oracle: unsupported type ${type}`, 'EUNSUPPORTEDTYPE');
    }
    return convert;
  });
  const n = names.length;
  return {
    read(raw) {
      const row: Record<string, Value> = {};
      for (let i = 0; i < n; i++) {
        const v = raw[names[i]];
        row[names[i]] = v === null || v === undefined ? null : converts[i](v);
      }
      return row;
    },
  };
}

/** Bound values: Oracle before 23ai has no SQL BOOLEAN, so booleans go as 1 and 0 (as the sqlite driver does). */
export function bindValues(params: Value[]): (string | number | null)[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}
