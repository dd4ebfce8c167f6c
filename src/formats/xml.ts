/**
 * xml: MANTRA's XML. `<?xml version="1.0" encoding="utf-8"?>`, root `<response>` (a tree that is already
 * {response: …}, MANTRA's envelope, is not wrapped twice), 2-space indent, no newline at the end.
 * - a list under key K is K repeated (zero times when empty); a list inside a list holds `<item>` elements
 * - null, "" and {} are `<K></K>`; booleans are true/false; numbers as PHP prints them
 * - a key that is not an XML name is made one (see xmlName)
 */
import type { Format, ResultMeta, Row, RowEncoder, RowEncoderOptions } from './types.ts';
import { phpNumber } from './php-number.ts';
import { databaseText, isTree, plain, type Tree } from './tree.ts';
import { xmlName, xmlText } from './xml-text.ts';

const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

const newlines: string[] = [];
/** A newline and the indent of `depth` levels, built once per depth. */
function newline(depth: number): string {
  return (newlines[depth] ??= '\n' + '  '.repeat(depth));
}

function scalarText(v: unknown): string {
  switch (typeof v) {
    case 'string': return xmlText(v);
    case 'number': return phpNumber(v, 'E');
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    default: return '';
  }
}

function databaseXml(v: Row[string]): string {
  const text = databaseText(v);
  return text === null ? '' : xmlText(text);
}

/** `<name>` once, or once per item when the value is a list. */
function element(name: string, value: unknown, depth: number): string {
  const v = plain(value);
  if (!Array.isArray(v)) return single(name, v, depth);
  let out = '';
  for (const item of v) out += single(name, plain(item), depth);
  return out;
}

function single(name: string, v: unknown, depth: number): string {
  const open = newline(depth) + '<' + name + '>';
  const close = '</' + name + '>';
  if (typeof v !== 'object' || v === null) return open + scalarText(v) + close;
  let inner = '';
  if (Array.isArray(v)) {
    for (const item of v) inner += single('item', plain(item), depth + 1);
  } else {
    const o = v as Tree;
    for (const k of Object.keys(o)) if (o[k] !== undefined) inner += element(xmlName(k), o[k], depth + 1);
  }
  return inner ? open + inner + newline(depth) + close : open + close;
}

function document(value: unknown): string {
  let v = plain(value);
  if (isTree(v) && Object.keys(v).length === 1 && 'response' in v) v = plain(v.response);
  return DECLARATION + single('response', v, 0);
}

/**
 * Rows as repeated `<name>` elements inside `<data>`: for `mantra` the whole equals document() of the
 * envelope (values as database text); for `v1` it equals document({data: {[name]: rows}, meta}).
 */
function rows(opts: RowEncoderOptions): RowEncoder {
  const mantra = opts.envelope === 'mantra';
  const name = xmlName(opts.name);
  const rowOpen = newline(2) + '<' + name + '>';
  const rowClose = '</' + name + '>';
  const fieldTags = new Map<string, [string, string]>();
  let count = 0;
  return {
    needsCount: false,
    head: () =>
      DECLARATION + newline(0) + '<response>' +
      (mantra ? newline(1) + '<status>1</status>' + newline(1) + '<code>200</code>' + newline(1) + '<message>OK</message>' : '') +
      newline(1) + '<data>',
    row(row: Row): string {
      count++;
      let fields = '';
      for (const k in row) {
        let tags = fieldTags.get(k);
        if (tags === undefined) {
          const tag = xmlName(k);
          fieldTags.set(k, (tags = [newline(3) + '<' + tag + '>', '</' + tag + '>']));
        }
        fields += tags[0] + (mantra ? databaseXml(row[k]) : scalarText(row[k])) + tags[1];
      }
      return fields ? rowOpen + fields + newline(2) + rowClose : rowOpen + rowClose;
    },
    tail: (meta: ResultMeta) =>
      (count ? newline(1) : '') + '</data>' + (mantra ? '' : single('meta', plain(meta), 1)) + newline(0) + '</response>',
  };
}

export const xml: Format = { name: 'xml', mediaType: 'application/xml', document, rows };
