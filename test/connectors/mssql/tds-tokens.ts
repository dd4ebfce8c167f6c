/**
 * TDS 7.4 tokens as a SQL Server writes them (MS-TDS 2.2.7), for the test server: LOGINACK, ENVCHANGE, DONE,
 * ERROR, COLMETADATA and ROW for the column types the connector maps.
 */
export type ColumnType = 'nvarchar' | 'int' | 'bigint' | 'decimal' | 'date' | 'datetime2' | 'bit' | 'udt';

export interface Column {
  name: string;
  type: ColumnType;
  precision?: number;
  scale?: number;
}

/** A cell as the test writes it: text for decimal/date/datetime2/bigint ('2024-01-02 03:04:05.1234567'). */
export type Cell = string | number | boolean | null;

const ucs2 = (s: string) => Buffer.from(s, 'utf16le');
const u8 = (n: number) => Buffer.from([n]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
export const bVarChar = (s: string) => Buffer.concat([u8(s.length), ucs2(s)]);
const usVarChar = (s: string) => Buffer.concat([u16(s.length), ucs2(s)]);
/** A token with a 2-byte length before its body. */
const sized = (type: number, body: Buffer) => Buffer.concat([u8(type), u16(body.length), body]);

/** Latin1_General_CI_AS. */
const COLLATION = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]);
export const TDS_7_4 = 0x74000004;

export function loginAck(): Buffer {
  const version = Buffer.alloc(4);
  version.writeUInt32BE(TDS_7_4);
  return sized(0xad, Buffer.concat([u8(1), version, bVarChar('Mantra TDS test server'), Buffer.from([16, 0, 0, 1])]));
}

export function envChange(type: 'database' | 'packetSize', value: string, old = ''): Buffer {
  return sized(0xe3, Buffer.concat([u8(type === 'database' ? 1 : 4), bVarChar(value), bVarChar(old)]));
}

export const DONE_MORE = 0x01;
export const DONE_ERROR = 0x02;
export const DONE_COUNT = 0x10;
export const DONE_ATTN = 0x20;

export function done(status: number, rowCount = 0): Buffer {
  const b = Buffer.alloc(13);
  b.writeUInt8(0xfd, 0);
  b.writeUInt16LE(status, 1);
  b.writeUInt16LE(0xc1, 3); // SELECT
  b.writeBigUInt64LE(BigInt(rowCount), 5);
  return b;
}

export interface ServerError {
  number: number;
  message: string;
  state?: number;
  class?: number;
}

export function error(e: ServerError): Buffer {
  return sized(0xaa, Buffer.concat([
    i32(e.number), u8(e.state ?? 1), u8(e.class ?? 16), usVarChar(e.message), bVarChar('TESTSRV'), bVarChar(''), i32(1),
  ]));
}

/** TYPE_INFO per column type. */
const typeInfo: Record<ColumnType, (c: Column) => Buffer> = {
  nvarchar: () => Buffer.concat([u8(0xe7), u16(8000), COLLATION]),
  int: () => Buffer.from([0x26, 4]),
  bigint: () => Buffer.from([0x26, 8]),
  decimal: (c) => Buffer.from([0x6a, 17, c.precision ?? 18, c.scale ?? 0]),
  date: () => Buffer.from([0x28]),
  datetime2: (c) => Buffer.from([0x2a, c.scale ?? 7]),
  bit: () => Buffer.from([0x68, 1]),
  // geometry: a CLR type, which the connector's mapping does not know.
  udt: () => Buffer.concat([u8(0xf0), u16(0xffff), bVarChar('db'), bVarChar('sys'), bVarChar('geometry'), usVarChar('Microsoft.SqlServer.Types')]),
};

export function colMetadata(columns: Column[]): Buffer {
  const parts = [u8(0x81), u16(columns.length)];
  for (const c of columns) parts.push(u32(0), u16(0x0001 /* nullable */), typeInfo[c.type](c), bVarChar(c.name));
  return Buffer.concat(parts);
}

const DAY_MS = 86_400_000;
/** Days since 0001-01-01, as DATE stores them. */
function days(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  const base = new Date(0);
  base.setUTCFullYear(1, 0, 1);
  return Math.round((t.getTime() - base.getTime()) / DAY_MS);
}
const u24 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);

function datetime2(text: string, scale: number): Buffer {
  const [date, clock = '00:00:00'] = text.split(' ');
  const [hms, frac = ''] = clock.split('.');
  const [h, mi, s] = hms.split(':').map(Number);
  const units = BigInt(h * 3600 + mi * 60 + s) * 10n ** BigInt(scale) + BigInt((frac + '0000000').slice(0, scale) || '0');
  const len = scale <= 2 ? 3 : scale <= 4 ? 4 : 5;
  const time = Buffer.alloc(8);
  time.writeBigUInt64LE(units);
  return Buffer.concat([u8(len + 3), time.subarray(0, len), u24(days(date))]);
}

function decimal(text: string, scale: number): Buffer {
  const negative = text.startsWith('-');
  const [whole, frac = ''] = text.replace('-', '').split('.');
  const unscaled = BigInt(whole + (frac + '0'.repeat(scale)).slice(0, scale));
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(unscaled & 0xffffffffffffffffn, 0);
  b.writeBigUInt64LE(unscaled >> 64n, 8);
  return Buffer.concat([u8(17), u8(negative ? 0 : 1), b]);
}

/** A cell's bytes in a ROW token; null is each type's own NULL. */
const cellBytes: Record<ColumnType, (v: Cell, c: Column) => Buffer> = {
  nvarchar: (v) => (v === null ? u16(0xffff) : Buffer.concat([u16(ucs2(String(v)).length), ucs2(String(v))])),
  int: (v) => (v === null ? u8(0) : Buffer.concat([u8(4), i32(Number(v))])),
  bigint: (v) => {
    if (v === null) return u8(0);
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(v as string));
    return Buffer.concat([u8(8), b]);
  },
  decimal: (v, c) => (v === null ? u8(0) : decimal(String(v), c.scale ?? 0)),
  date: (v) => (v === null ? u8(0) : Buffer.concat([u8(3), u24(days(String(v)))])),
  datetime2: (v, c) => (v === null ? u8(0) : datetime2(String(v), c.scale ?? 7)),
  bit: (v) => (v === null ? u8(0) : Buffer.from([1, v ? 1 : 0])),
  udt: () => Buffer.alloc(8, 0xff), // PLP NULL
};

export function row(columns: Column[], cells: Cell[]): Buffer {
  return Buffer.concat([u8(0xd1), ...columns.map((c, i) => cellBytes[c.type](cells[i] ?? null, c))]);
}
