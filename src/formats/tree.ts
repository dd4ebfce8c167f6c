/**
 * How encoders see a JS value tree: arrays are lists (PHP integer-keyed arrays), other objects are string-keyed
 * arrays in insertion order, properties holding `undefined` are left out (as JSON.stringify does), and an object
 * with toJSON() (a Date) stands for what toJSON() returns. A bigint is an integer where the format has integers
 * (json, xml, php, serialize); csv and ndjson reject it as JSON.stringify does. Note that JS itself puts
 * integer-like keys ("5") of an object first, so such keys cannot keep another order.
 */
import type { Value } from './types.ts';

export type Tree = Record<string, unknown>;

/** Resolves toJSON() so the encoders only meet plain objects, arrays and scalars. */
export function plain(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toJSON.call(v);
  }
  return v;
}

export function isTree(v: unknown): v is Tree {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The keys of an object whose value is not undefined. */
export function definedKeys(o: Tree): string[] {
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    if (o[keys[i]] === undefined) return keys.filter((k) => o[k] !== undefined);
  }
  return keys;
}

/** A database value as PHP's drivers hand it over: text, booleans as "1"/"0", NULL as null. */
export function databaseText(v: Value | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}
