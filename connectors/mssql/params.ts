import { type Request, TYPES } from 'tedious';
import type { Value } from '../types.ts';

type Tedious = (typeof TYPES)[keyof typeof TYPES];
interface Typed {
  type: Tedious;
  value: unknown;
  options?: { precision?: number; scale?: number };
}

const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;

/** Digits after the point of a plain decimal number, or undefined when it is written with an exponent. */
function scaleOf(n: number): number | undefined {
  const text = String(n);
  if (/e/i.test(text)) return undefined;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * How a bound value is typed on the wire, first match wins. Strings stay NVarChar even when they look like dates:
 * SQL Server converts an nvarchar parameter to the column's type (date, datetime2, int), whereas a date parameter
 * compared with an nvarchar column would convert the column and fail on its other rows.
 */
const rules: { when: (v: Value) => boolean; bind: (v: Value) => Typed }[] = [
  { when: (v) => v === null, bind: () => ({ type: TYPES.NVarChar, value: null }) },
  { when: (v) => typeof v === 'string', bind: (v) => ({ type: TYPES.NVarChar, value: v }) },
  { when: (v) => typeof v === 'boolean', bind: (v) => ({ type: TYPES.Bit, value: v }) },
  { when: (v) => Number.isInteger(v) && (v as number) >= INT_MIN && (v as number) <= INT_MAX, bind: (v) => ({ type: TYPES.Int, value: v }) },
  { when: (v) => Number.isSafeInteger(v), bind: (v) => ({ type: TYPES.BigInt, value: v }) },
  {
    // tedious writes a decimal as a 64-bit integer of its scaled value: only exact below 2^53.
    when: (v) => {
      const s = scaleOf(v as number);
      return s !== undefined && s <= 20 && Math.abs(v as number) * 10 ** s < Number.MAX_SAFE_INTEGER;
    },
    bind: (v) => ({ type: TYPES.Decimal, value: v, options: { precision: 38, scale: scaleOf(v as number) } }),
  },
  { when: () => true, bind: (v) => ({ type: TYPES.Float, value: v }) },
];

export function typed(v: Value): Typed {
  for (const r of rules) if (r.when(v)) return r.bind(v);
  return { type: TYPES.NVarChar, value: String(v) };
}

/** Binds the plan's values as @p1, @p2, … (the mssql dialect's placeholders). */
export function bindAll(request: Request, params: Value[]) {
  for (let i = 0; i < params.length; i++) {
    const t = typed(params[i]);
    request.addParameter(`p${i + 1}`, t.type, t.value, t.options);
  }
}
