import type { ScanPlan, Value } from '../types.ts';
import { ConnectorError } from '../errors.ts';

type Row = Record<string, Value>;

const truthy = /^(t|true|y|yes|1)$/i;

/** Compares a field value with a bound value: numerically when both read as numbers, else as text. */
export function compare(a: Value, b: Value): number | undefined {
  if (a === null || b === null) return undefined;
  if (typeof a === 'boolean') {
    const bb = typeof b === 'boolean' ? b : typeof b === 'number' ? b !== 0 : truthy.test(b);
    return Number(a) - Number(bb);
  }
  if (typeof a === 'number' || typeof b === 'number' || (numeric(a) && numeric(b))) {
    const x = Number(a);
    const y = Number(b);
    if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  }
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const numeric = (v: Value) => typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v));

function likeRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) re += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${re}$`, 's');
}

type Test = (row: Row) => boolean;

function condition(key: string, op: string, value: Value): Test {
  if (op === 'LIKE') {
    if (value === null) return () => false;
    const re = likeRegExp(String(value));
    return (row) => row[key] !== null && re.test(String(row[key]));
  }
  const ok: Record<string, (c: number) => boolean> = {
    '=': (c) => c === 0,
    '<>': (c) => c !== 0,
    '<': (c) => c < 0,
    '<=': (c) => c <= 0,
    '>': (c) => c > 0,
    '>=': (c) => c >= 0,
  };
  const accept = ok[op];
  if (!accept) throw new ConnectorError('config', `unknown condition operator "${op.slice(0, 16)}"`);
  return (row) => {
    const c = compare(row[key], value);
    return c !== undefined && accept(c);
  };
}

/** The WHERE of a scan as SQL reads it: AND binds tighter than OR. `key` maps a column to its row key. */
export function predicate(where: ScanPlan['where'], key: (column: string) => string): Test | undefined {
  if (where.length === 0) return undefined;
  const groups: Test[][] = [[]];
  where.forEach((w, i) => {
    if (i > 0 && w.join === 'OR') groups.push([]);
    groups[groups.length - 1].push(condition(key(w.column), w.op, w.value));
  });
  return (row) => groups.some((g) => g.every((t) => t(row)));
}

/** Sorts rows by the plan's order; NULLs first, as in MySQL. */
export function sorter(order: ScanPlan['order'], key: (column: string) => string): (a: Row, b: Row) => number {
  const keys = order.map((o) => ({ k: key(o.column), sign: o.dir === 'DESC' ? -1 : 1 }));
  return (a, b) => {
    for (const { k, sign } of keys) {
      const x = a[k];
      const y = b[k];
      const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : (compare(x, y) ?? 0);
      if (c !== 0) return c * sign;
    }
    return 0;
  };
}
