/**
 * soap: what a SOAP answer's response element holds; the SOAP interface writes the envelope and that element (in
 * the service's namespace) around it. These elements are unqualified, as the WSDL's schema declares them.
 * - each row is a `<row>`, each field an element named after it (xmlName), in the row's order;
 * - null is `<name xsi:nil="true"/>` (the envelope declares xsi); booleans true/false; numbers as JS prints them,
 *   non-finite ones as XML Schema writes them (INF, -INF, NaN);
 * - a nested value (a proxy reply) nests elements as MANTRA's XML does: a list repeats its key, a list inside a
 *   list holds `<item>` elements, an empty object is an empty element.
 * A whole value becomes rows by `valueRows`, so proxy replies and data results look alike.
 */
import type { Format, Row, RowEncoder } from './types.ts';
import { isTree, plain } from './tree.ts';
import { xmlName, xmlText } from './xml-text.ts';

function scalarText(v: unknown): string {
  switch (typeof v) {
    case 'string': return xmlText(v);
    case 'number': return Number.isFinite(v) ? String(v) : v !== v ? 'NaN' : v > 0 ? 'INF' : '-INF';
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    default: return '';
  }
}

/** `<name>` once, or once per item when the value is a list. */
function element(name: string, value: unknown): string {
  const v = plain(value);
  if (!Array.isArray(v)) return single(name, v);
  let out = '';
  for (const item of v) out += single(name, item);
  return out;
}

function single(name: string, value: unknown): string {
  const v = plain(value);
  if (v === null || v === undefined) return `<${name} xsi:nil="true"/>`;
  if (typeof v !== 'object') return `<${name}>${scalarText(v)}</${name}>`;
  let inner = '';
  if (Array.isArray(v)) for (const item of v) inner += single('item', item);
  else for (const [k, field] of Object.entries(v)) if (field !== undefined) inner += element(xmlName(k), field);
  return inner ? `<${name}>${inner}</${name}>` : `<${name}/>`;
}

/** One `<row>`; field tags are built once per encoder. */
function rowEncoder(): (row: Row) => string {
  const tags = new Map<string, [string, string, string]>();
  return (row) => {
    let fields = '';
    for (const k in row) {
      let t = tags.get(k);
      if (t === undefined) {
        const name = xmlName(k);
        tags.set(k, (t = [`<${name}>`, `</${name}>`, `<${name} xsi:nil="true"/>`]));
      }
      const v = row[k];
      if (v === null || v === undefined) fields += t[2];
      else if (typeof v === 'object') fields += element(xmlName(k), v);
      else fields += t[0] + scalarText(v) + t[1];
    }
    return `<row>${fields}</row>`;
  };
}

/**
 * The rows a whole value stands for: a list's items; the items of a record whose only field is a list (MANTRA's
 * `{operation: [rows]}`, a SOAP backend's result list); any other record is one row; a scalar is one row
 * `{value: …}`; null or nothing is no row. An item that is not a record becomes `{value: item}`.
 */
export function valueRows(value: unknown): Row[] {
  let v = plain(value);
  if (v === null || v === undefined) return [];
  if (isTree(v)) {
    const keys = Object.keys(v).filter((k) => v && (v as Row)[k] !== undefined);
    const only = keys.length === 1 ? plain(v[keys[0]]) : undefined;
    if (!Array.isArray(only)) return [v as Row];
    v = only;
  }
  if (!Array.isArray(v)) return [{ value: v as Row[string] }];
  return v.map((item) => {
    const p = plain(item);
    return (isTree(p) ? p : { value: p }) as Row;
  });
}

function rows(): RowEncoder {
  const row = rowEncoder();
  return { needsCount: false, head: () => '', row, tail: () => '' };
}

function document(value: unknown): string {
  const row = rowEncoder();
  let out = '';
  for (const r of valueRows(value)) out += row(r);
  return out;
}

export const soap: Format = { name: 'soap', mediaType: 'text/xml', document, rows };
