/** php: a PHP array literal exactly as var_export() prints it (`array (\n  'key' => 'value',\n)`). */
import type { Format, ResultMeta, Row, RowEncoder, RowEncoderOptions } from './types.ts';
import { isPhpInt, isPhpIntKey, phpFloat } from './php-number.ts';
import { databaseText, plain, type Tree } from './tree.ts';

const indents: string[] = [];
function indent(depth: number): string {
  return (indents[depth] ??= '  '.repeat(depth));
}

// deno-lint-ignore no-control-regex -- control characters are what these patterns look for
const NEEDS_ESCAPE = /['\\\u0000]/;

/** A single-quoted string; NUL bytes are spliced in as `' . "\0" . '`, as var_export does. */
export function phpString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return "'" + s + "'";
  const quoted = "'" + s.replace(/['\\]/g, '\\$&') + "'";
  return quoted.includes('\0') ? quoted.split('\0').join('\' . "\\0" . \'') : quoted;
}

function key(k: string): string {
  return isPhpIntKey(k) ? k : phpString(k);
}

function integer(text: string): string {
  return text === '-9223372036854775808' ? '-9223372036854775807-1' : text; // PHP_INT_MIN has no literal
}

function scalar(v: unknown): string {
  switch (typeof v) {
    case 'string': return phpString(v);
    case 'number': {
      if (isPhpInt(v)) return integer(String(v));
      const f = phpFloat(v, 'E');
      return /[.EN]/.test(f) ? f : f + '.0'; // var_export marks whole floats with ".0"
    }
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return integer(v.toString());
    default: return 'NULL';
  }
}

/** An entry `key => value,` of an array whose contents sit at `depth`. */
function entry(k: string, value: unknown, depth: number): string {
  const v = plain(value);
  const head = indent(depth) + k + ' => ';
  if (typeof v !== 'object' || v === null) return head + scalar(v) + ',\n';
  return head + '\n' + indent(depth) + array(v, depth) + ',\n';
}

function array(v: object, depth: number): string {
  let out = 'array (\n';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) out += entry(String(i), v[i], depth + 1);
  } else {
    const o = v as Tree;
    for (const k of Object.keys(o)) if (o[k] !== undefined) out += entry(key(k), o[k], depth + 1);
  }
  return out + indent(depth) + ')';
}

function document(value: unknown): string {
  const v = plain(value);
  return typeof v === 'object' && v !== null ? array(v, 0) : scalar(v);
}

/** mantra: equals document() of the envelope (values as database text); v1: document({data: rows, meta}). */
function rows(opts: RowEncoderOptions): RowEncoder {
  const mantra = opts.envelope === 'mantra';
  const depth = mantra ? 4 : 2; // where the row entries sit
  const keys = new Map<string, string>();
  let count = 0;
  return {
    needsCount: false,
    head: () =>
      mantra
        ? "array (\n  'response' => \n  array (\n    'status' => 1,\n    'code' => 200,\n    'message' => 'OK',\n" +
          "    'data' => \n    array (\n" + indent(3) + key(opts.name) + ' => \n' + indent(3) + 'array (\n'
        : "array (\n  'data' => \n  array (\n",
    row(row: Row): string {
      let out = indent(depth) + count++ + ' => \n' + indent(depth) + 'array (\n';
      for (const k in row) {
        let prefix = keys.get(k);
        if (prefix === undefined) keys.set(k, (prefix = indent(depth + 1) + key(k) + ' => '));
        const v = mantra ? databaseText(row[k]) : row[k];
        out += prefix + (v === null ? 'NULL' : scalar(v)) + ',\n';
      }
      return out + indent(depth) + '),\n';
    },
    tail: (meta: ResultMeta) =>
      mantra
        ? indent(3) + '),\n' + indent(2) + '),\n' + indent(1) + '),\n)'
        : indent(1) + '),\n' + entry("'meta'", meta, 1) + ')',
  };
}

export const php: Format = { name: 'php', mediaType: 'text/x-php; charset=utf-8', document, rows };
