import type { Row, RowShape, Value } from '../types.ts';

/**
 * Shows a quarter of the characters at each end, at most 4, and nothing of values under 8 characters: a NIK
 * 3201000000000042 reads 3201********0042, a phone number 081234567890 reads 081******890.
 */
export function mask(v: Value): Value {
  if (v === null) return null;
  const chars = [...String(v)];
  const keep = chars.length < 8 ? 0 : Math.min(4, chars.length >> 2);
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - 2 * keep) + chars.slice(chars.length - keep).join('');
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
