/**
 * json: the MANTRA envelope exactly as PHP's json_encode($v, JSON_PRETTY_PRINT|JSON_FORCE_OBJECT) writes it
 * (4-space indent, every list as an object keyed "0","1",…); REST v1 rows as compact standard JSON.
 */
import type { Format, ResultMeta, Row, RowEncoder } from './types.ts';
import { phpJsonNumber, phpJsonString } from './json-text.ts';
import { databaseText, plain, type Tree } from './tree.ts';

const newlines: string[] = [];
/** A newline and the indent of `depth` levels, built once per depth. */
function newline(depth: number): string {
  return (newlines[depth] ??= '\n' + '    '.repeat(depth));
}

function scalar(v: unknown): string {
  switch (typeof v) {
    case 'string': return phpJsonString(v);
    case 'number': return phpJsonNumber(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    default: return 'null';
  }
}

function encode(value: unknown, depth: number): string {
  const v = plain(value);
  if (typeof v !== 'object' || v === null) return scalar(v);
  const inner = newline(depth + 1);
  let out = '';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '{') + inner + '"' + i + '": ' + encode(v[i], depth + 1);
  } else {
    const o = v as Tree;
    for (const k of Object.keys(o)) {
      if (o[k] === undefined) continue;
      out += (out ? ',' : '{') + inner + phpJsonString(k) + ': ' + encode(o[k], depth + 1);
    }
  }
  return out ? out + newline(depth) + '}' : '{}';
}

/** Rows inside the envelope at depth 4 (response > data > name > index), values as database text. */
function mantraRows(name: string): RowEncoder {
  const fieldPrefix = new Map<string, string>();
  const rowIndent = newline(4);
  const fieldIndent = newline(5);
  let count = 0;
  return {
    needsCount: false,
    head: () =>
      '{' + newline(1) + '"response": {' + newline(2) + '"status": 1,' + newline(2) + '"code": 200,' +
      newline(2) + '"message": "OK",' + newline(2) + '"data": {' + newline(3) + phpJsonString(name) + ': {',
    row(row: Row): string {
      let fields = '';
      for (const k in row) {
        let prefix = fieldPrefix.get(k);
        if (prefix === undefined) fieldPrefix.set(k, (prefix = fieldIndent + phpJsonString(k) + ': '));
        const text = databaseText(row[k]);
        fields += (fields ? ',' : '') + prefix + (text === null ? 'null' : phpJsonString(text));
      }
      return (count ? ',' : '') + rowIndent + '"' + count++ + '": ' + (fields ? '{' + fields + rowIndent + '}' : '{}');
    },
    tail: () => (count ? newline(3) + '}' : '}') + newline(2) + '}' + newline(1) + '}' + newline(0) + '}',
  };
}

/** REST v1: {"data":[rows],"meta":{…}} in compact standard JSON with native types. */
function v1Rows(): RowEncoder {
  let count = 0;
  return {
    needsCount: false,
    head: () => '{"data":[',
    row: (row: Row) => (count++ ? ',' : '') + JSON.stringify(row),
    tail: (meta: ResultMeta) => '],"meta":' + JSON.stringify(meta) + '}',
  };
}

export const json: Format = {
  name: 'json',
  mediaType: 'application/json',
  document: (value) => encode(value, 0),
  rows: (opts) => (opts.envelope === 'mantra' ? mantraRows(opts.name) : v1Rows()),
};
