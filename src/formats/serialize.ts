/** serialize: PHP's serialize() (MANTRA's `api` format). Strings are prefixed with their UTF-8 byte length. */
import type { Format, ResultMeta, Row, RowEncoder, RowEncoderOptions } from './types.ts';
import { isPhpInt, isPhpIntKey, phpFloat } from './php-number.ts';
import { databaseText, definedKeys, plain, type Tree } from './tree.ts';

// deno-lint-ignore no-control-regex -- control characters are what these patterns look for
const NON_ASCII = /[^\u0000-\u007f]/;

/** Bytes of the UTF-8 form (a lone surrogate counts 3: it is written as U+FFFD). */
export function utf8Length(s: string): number {
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function string(s: string): string {
  return 's:' + utf8Length(s) + ':"' + s + '";';
}

function key(k: string): string {
  return isPhpIntKey(k) ? 'i:' + k + ';' : string(k);
}

function encode(value: unknown): string {
  const v = plain(value);
  switch (typeof v) {
    case 'string': return string(v);
    case 'number': return isPhpInt(v) ? 'i:' + v + ';' : 'd:' + phpFloat(v, 'E') + ';';
    case 'boolean': return v ? 'b:1;' : 'b:0;';
    case 'bigint': return 'i:' + v + ';';
    case 'object': if (v !== null) return array(v);
  }
  return 'N;';
}

function array(v: object): string {
  if (Array.isArray(v)) {
    let out = 'a:' + v.length + ':{';
    for (let i = 0; i < v.length; i++) out += 'i:' + i + ';' + encode(v[i]);
    return out + '}';
  }
  const o = v as Tree;
  const keys = definedKeys(o);
  let out = 'a:' + keys.length + ':{';
  for (const k of keys) out += key(k) + encode(o[k]);
  return out + '}';
}

/** mantra: equals document() of the envelope (values as database text); v1: document({data: rows, meta}). */
function rows(opts: RowEncoderOptions): RowEncoder {
  const mantra = opts.envelope === 'mantra';
  const keys = new Map<string, string>();
  let count = 0;
  return {
    needsCount: true, // the list of rows starts with its length
    head(rowCount?: number): string {
      if (rowCount === undefined) throw new TypeError('serialize needs the row count before the first row');
      return mantra
        ? 'a:1:{s:8:"response";a:4:{s:6:"status";i:1;s:4:"code";i:200;s:7:"message";s:2:"OK";s:4:"data";a:1:{' +
            key(opts.name) + 'a:' + rowCount + ':{'
        : 'a:2:{s:4:"data";a:' + rowCount + ':{';
    },
    row(row: Row): string {
      let fields = '';
      let n = 0;
      for (const k in row) {
        let encodedKey = keys.get(k);
        if (encodedKey === undefined) keys.set(k, (encodedKey = key(k)));
        const v = mantra ? databaseText(row[k]) : row[k];
        fields += encodedKey + (v === null ? 'N;' : encode(v));
        n++;
      }
      return 'i:' + count++ + ';a:' + n + ':{' + fields + '}';
    },
    tail: (meta: ResultMeta) => (mantra ? '}}}}' : '}s:4:"meta";' + encode(meta) + '}'),
  };
}

export const serialize: Format = {
  name: 'serialize',
  mediaType: 'application/vnd.php.serialized',
  document: encode,
  rows,
};
