// tedious does not re-export its column metadata type from the package root.
import type { ColumnMetadata } from 'tedious/lib/token/colmetadata-token-parser';
import { ConnectorError } from '../errors.ts';
import type { Value } from '../types.ts';
import { toValue, utcDate } from '../values.ts';

/** A column value as tedious decodes it (useUTC), made a Value the way the other connectors give theirs. */
type Convert = (v: unknown, meta: ColumnMetadata) => Value;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The fraction of a second as SQL Server stores it (tedious keeps what lies beyond the millisecond aside). */
function fraction(d: Date): string {
  const extra = (d as { nanosecondsDelta?: number }).nanosecondsDelta ?? 0;
  const digits = (d.getUTCMilliseconds() / 1000 + extra).toFixed(7).slice(2).replace(/0+$/, '');
  return digits ? `.${digits}` : '';
}

const time = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction(d)}`;
const asDate = (v: unknown) => utcDate(v as Date);
const asTimestamp = (v: unknown) => `${utcDate(v as Date)} ${time(v as Date)}`;
const asNumber = (v: unknown) => v as number;
const asText = (v: unknown) => String(v);
const asBoolean = (v: unknown) => Boolean(v);
/** Exact decimals print with their scale, as SQL Server does ("12.50"); tedious decodes them to a JS number. */
const asDecimal: Convert = (v, meta) => (v as number).toFixed(meta.scale ?? 0);
const asMoney = (v: unknown) => (v as number).toFixed(4);

/**
 * SQL Server column types (tedious's names) and how their values come out: integers up to int as numbers, bigint
 * as text (tedious gives text), decimals and money as text with their scale, dates and times as the server prints
 * them (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.fffffff]), bit as boolean, binary as UTF-8 text like the other drivers.
 * A type missing here (UDT: geometry, geography, hierarchyid; TVP) is refused with a clear error.
 */
export const columnTypes: Readonly<Record<string, Convert>> = {
  TinyInt: asNumber,
  SmallInt: asNumber,
  Int: asNumber,
  IntN: (v) => (typeof v === 'string' ? v : (v as number)),
  BigInt: asText,
  Real: asNumber,
  Float: asNumber,
  FloatN: asNumber,
  Decimal: asDecimal,
  DecimalN: asDecimal,
  Numeric: asDecimal,
  NumericN: asDecimal,
  Money: asMoney,
  MoneyN: asMoney,
  SmallMoney: asMoney,
  Bit: asBoolean,
  BitN: asBoolean,
  Char: asText,
  VarChar: asText,
  Text: asText,
  NChar: asText,
  NVarChar: asText,
  NText: asText,
  Xml: asText,
  UniqueIdentifier: asText,
  Date: asDate,
  DateTime: asTimestamp,
  DateTimeN: asTimestamp,
  SmallDateTime: asTimestamp,
  DateTime2: asTimestamp,
  DateTimeOffset: (v) => `${asTimestamp(v)} +00:00`,
  Time: (v) => time(v as Date),
  Binary: (v) => toValue(v),
  VarBinary: (v) => toValue(v),
  Image: (v) => toValue(v),
  Variant: (v) => toValue(v),
  Null: () => null,
};

export interface RowReader {
  names: string[];
  read(columns: { value: unknown }[]): Record<string, Value>;
}

/** Per result set: the column names and one converter per column; an unknown type fails before any row. */
export function rowReader(meta: ColumnMetadata[]): RowReader {
  const names = meta.map((m) => m.colName);
  const converts = meta.map((m) => {
    const convert = columnTypes[m.type.name];
    if (!convert) {
      throw new ConnectorError('query', `the column type ${m.type.name} of "${m.colName}" is not supported`, `mssql: unsupported type ${m.type.name}`, 'EUNSUPPORTEDTYPE');
    }
    return convert;
  });
  const n = names.length;
  return {
    names,
    read(columns) {
      const row: Record<string, Value> = {};
      for (let i = 0; i < n; i++) {
        const v = columns[i].value;
        row[names[i]] = v === null || v === undefined ? null : converts[i](v, meta[i]);
      }
      return row;
    },
  };
}
