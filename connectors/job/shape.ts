import type { Row, RowShape, Value } from '../types.ts';

/** Keeps the first 4 and last 2 characters; shorter values are masked whole. */
export function mask(v: Value): Value {
  if (v === null) return null;
  const s = String(v);
  const chars = [...s];
  if (chars.length <= 6) return '*'.repeat(chars.length);
  return chars.slice(0, 4).join('') + '*'.repeat(chars.length - 6) + chars.slice(-2).join('');
}

/**
 * A RowShape as one function per row: select and rename fields, map codes to labels, hide, mask — in that order,
 * labels/hide/mask naming output fields. Undefined when the shape changes nothing.
 */
export function compileShape(shape: RowShape | undefined): ((row: Row) => Row) | undefined {
  if (!shape) return undefined;
  const fields = shape.fields?.length ? shape.fields.map((f) => [f.from, f.as ?? f.from] as const) : undefined;
  const labels = Object.entries(shape.labels ?? {});
  const hide = shape.hide ?? [];
  const masked = shape.mask ?? [];
  if (!fields && labels.length === 0 && hide.length === 0 && masked.length === 0) return undefined;
  const hidden = new Set(hide);
  const keep = fields?.filter(([, to]) => !hidden.has(to));
  return (row) => {
    let out: Row;
    if (keep) {
      out = {};
      for (const [from, to] of keep) out[to] = row[from] ?? null;
    } else if (hidden.size) {
      out = {};
      for (const k in row) if (!hidden.has(k)) out[k] = row[k];
    } else out = { ...row };
    for (const [field, map] of labels) {
      const v = out[field];
      if (v !== undefined && v !== null) {
        const label = map[String(v)];
        if (label !== undefined) out[field] = label;
      }
    }
    for (const field of masked) if (field in out) out[field] = mask(out[field]);
    return out;
  };
}
