import type { Value } from '../types.ts';
import { utcDate, utcTimestamp } from '../values.ts';

export interface Field {
  name: string;
  type: string;
  size: number;
  decimalPlaces?: number;
}

/** A DBF field's value as a Value: dates as text, decimals as text with their declared places. */
export function converter(field: Field): (v: unknown) => Value {
  const places = field.decimalPlaces ?? 0;
  switch (field.type) {
    case 'D':
      return (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? utcDate(v) : null);
    case 'T':
      return (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? utcTimestamp(v) : null);
    case 'N':
    case 'F':
      return places > 0
        ? (v) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(places) : null)
        : (v) => (typeof v === 'number' && Number.isFinite(v) ? (Number.isSafeInteger(v) ? v : String(v)) : null);
    case 'Y':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : null);
    case 'L':
      return (v) => (typeof v === 'boolean' ? v : null);
    default:
      return (v) => (v === undefined || v === null ? null : typeof v === 'string' || typeof v === 'number' ? v : String(v));
  }
}

/** dBase language driver ids (header byte 29) → code page, for files whose connector names no encoding. */
const codePages: Record<number, string> = {
  0x01: 'cp437', 0x02: 'cp850', 0x03: 'cp1252', 0x57: 'cp1252', 0x58: 'cp1252', 0x59: 'cp1252',
  0x64: 'cp852', 0x65: 'cp866', 0x26: 'cp866', 0x37: 'cp850', 0xc8: 'cp1250', 0xc9: 'cp1251', 0xca: 'cp1254',
  0xcb: 'cp1253',
};

export function codePage(ldid: number): string | undefined {
  return codePages[ldid];
}
