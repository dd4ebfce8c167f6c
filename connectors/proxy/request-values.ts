/** Caller and fixed values as they enter a backend request. */
import type { ProxyMapping } from '../../src/model/operation-proxy.ts';
import { badParam } from './errors.ts';
import { setKey } from './xml.ts';

export type Scalar = string | number | boolean | null;

/** A mapping's value: the caller's (falling back to the fixed value), or the fixed one; undefined = left out. */
export function mappedValue(m: ProxyMapping, params: Record<string, string>): Scalar | undefined {
  if (m.param !== undefined) return params[m.param] ?? m.value;
  return m.value;
}

export function text(v: Scalar): string {
  return v === null ? '' : String(v);
}

/** Name/value pairs of the mappings (caller values as text), or every caller parameter when there are none. */
export function pairsOf(mappings: readonly ProxyMapping[], params: Record<string, string>): [string, string][] {
  if (mappings.length === 0) return Object.entries(params);
  const out: [string, string][] = [];
  for (const m of mappings) {
    const v = mappedValue(m, params);
    if (v !== undefined) out.push([m.name, text(v)]);
  }
  return out;
}

/** A value used as a whole path segment must not be one that URL parsers resolve ("." and ".."). */
export function segmentValue(v: string): string {
  if (v === '.' || v === '..') throw badParam('A parameter value used as a path segment may not be "." or ".."');
  return v;
}

export function headerValue(v: string): string {
  if (/[\r\n\0]/.test(v)) throw badParam('A parameter value sent as a header may not contain line breaks');
  return v;
}

// deno-lint-ignore no-control-regex
const notXmlChar = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function xmlValue(v: Scalar): Scalar {
  if (typeof v === 'string' && notXmlChar.test(v)) throw badParam('A parameter value holds a character XML cannot carry');
  return v;
}

export const xmlName = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Entries whose names may be dotted paths ("a.b") as one nested object. */
export function nest(entries: readonly (readonly [string, Scalar])[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of entries) {
    const parts = name.split('.');
    let at = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = Object.hasOwn(at, parts[i]) ? at[parts[i]] : undefined;
      if (next === null || typeof next !== 'object') {
        const created: Record<string, unknown> = {};
        setKey(at, parts[i], created);
        at = created;
      } else {
        at = next as Record<string, unknown>;
      }
    }
    setKey(at, parts[parts.length - 1], value);
  }
  return root;
}

/** Joins URL parts with one "/" between them, as MANTRA's callAPI did. */
export function joinPath(base: string, part: string): string {
  if (!part) return base;
  return base.endsWith('/') ? base + part : `${base}/${part}`;
}
