import type { Value } from './types.ts';

const decoder = new TextDecoder();
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD` of a date the driver built in UTC (DBF dates). */
export function utcDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `YYYY-MM-DD HH:MM:SS` of a timestamp the driver built in UTC, as a database prints it. */
export function utcTimestamp(d: Date): string {
  return `${utcDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Integers beyond 2^53 stay exact as text. */
export function fromBigInt(n: bigint): number | string {
  return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n.toString();
}

/** Anything a driver hands back, as a Value. The common cases are checked first. */
export function toValue(v: unknown): Value {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'bigint':
      return fromBigInt(v);
    case 'undefined':
      return null;
  }
  if (v === null) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : utcTimestamp(v);
  if (v instanceof Uint8Array) return decoder.decode(v);
  return JSON.stringify(v);
}
