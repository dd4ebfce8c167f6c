/**
 * csv: RFC 4180. CRLF after every record (the last one too); a field is quoted when it holds a comma, a quote,
 * CR or LF, quotes doubled. NULL is an empty unquoted field, the empty string is `""`, so the two stay apart.
 * Numbers as PHP writes them (`1.0E+20`), booleans true/false, nested lists and objects as compact JSON text.
 * document(): see tableOf; the header is the union of the rows' keys in order of appearance (none when no row is
 * an object); items that are not objects are a row of one cell. rows(): the header comes from opts.columns or the
 * first row's keys (a later row's extra keys are not written); no meta. For MANTRA's envelope values are database
 * text. An empty table is no output at all (unless opts.columns gives a header).
 */
import type { Format, Row, RowEncoder, RowEncoderOptions } from './types.ts';
import { phpNumber } from './php-number.ts';
import { tableOf } from './table.ts';
import { databaseText, isTree, plain } from './tree.ts';

const NEEDS_QUOTES = /[",\r\n]/;

function quoted(s: string): string {
  if (s === '') return '""';
  return NEEDS_QUOTES.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function field(value: unknown): string {
  const v = plain(value);
  switch (typeof v) {
    case 'string': return quoted(v);
    case 'number': return phpNumber(v, 'E');
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'object': if (v !== null) return quoted(JSON.stringify(v));
  }
  return '';
}

function record(cells: string[]): string {
  return cells.join(',') + '\r\n';
}

/** The header line; nothing when there are no columns. */
function header(columns: string[]): string {
  return columns.length ? record(columns.map(quoted)) : '';
}

function document(value: unknown): string {
  const table = tableOf(value);
  if (!Array.isArray(table)) return record([field(table)]);
  const keys = new Set<string>();
  for (const item of table) {
    const row = plain(item);
    if (isTree(row)) for (const k of Object.keys(row)) if (row[k] !== undefined) keys.add(k);
  }
  const columns = [...keys];
  let out = header(columns);
  for (const item of table) {
    const row = plain(item);
    out += isTree(row) ? record(columns.map((k) => field(row[k]))) : record([field(row)]);
  }
  return out;
}

function rows(opts: RowEncoderOptions): RowEncoder {
  const mantra = opts.envelope === 'mantra';
  let columns = opts.columns;
  const cell = (v: Row[string] | undefined) => (mantra ? field(databaseText(v ?? null)) : field(v));
  return {
    needsCount: false,
    head: () => (columns ? header(columns) : ''),
    row(row: Row): string {
      let line = '';
      if (!columns) line = header((columns = Object.keys(row)));
      for (let i = 0; i < columns.length; i++) line += (i ? ',' : '') + cell(row[columns[i]]);
      return line + '\r\n';
    },
    tail: () => '',
  };
}

export const csv: Format = { name: 'csv', mediaType: 'text/csv; charset=utf-8', document, rows };
