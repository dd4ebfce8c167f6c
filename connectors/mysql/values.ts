import type { Row } from '../types.ts';
import { toValue } from '../values.ts';

type Field = { name: string; columnType?: number; type?: number; characterSet?: number };

const BIT = 16;
/** Types that mysql2 may hand back as Buffers or objects: BIT, BLOB/BINARY (charset 63), GEOMETRY. */
const maybeObject = new Set([BIT, 249, 250, 251, 252, 253, 254, 255]);

/** Per result set: a function that makes the odd columns plain Values, or undefined when none need it. */
export function fixer(fields: Field[] | undefined): ((row: Row) => void) | undefined {
  if (!fields) return undefined;
  const odd = fields.filter((f) => {
    const t = f.columnType ?? f.type ?? 0;
    return t === BIT || t === 255 || (maybeObject.has(t) && f.characterSet === 63);
  });
  if (odd.length === 0) return undefined;
  const bits = new Set(odd.filter((f) => (f.columnType ?? f.type) === BIT).map((f) => f.name));
  const names = odd.map((f) => f.name);
  return (row) => {
    const r = row as Record<string, unknown>;
    for (const name of names) {
      const v = r[name];
      if (v === null || typeof v !== 'object') continue;
      r[name] = bits.has(name) && v instanceof Uint8Array ? v.reduce((n, b) => n * 256 + b, 0) : toValue(v);
    }
  };
}
