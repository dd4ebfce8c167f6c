/**
 * ndjson: one compact JSON value per line, each line ending in LF. document() writes one line per row of the
 * table it finds (see tableOf); rows() one line per row, no meta. For MANTRA's envelope values are database text.
 */
import type { Format, Row, RowEncoder, RowEncoderOptions } from './types.ts';
import { tableOf } from './table.ts';
import { databaseText } from './tree.ts';

function line(value: unknown): string {
  return (JSON.stringify(value) ?? 'null') + '\n';
}

function document(value: unknown): string {
  const table = tableOf(value);
  if (!Array.isArray(table)) return line(table);
  let out = '';
  for (const item of table) out += line(item);
  return out;
}

function rows(opts: RowEncoderOptions): RowEncoder {
  // A flat copy of the row as text: one native JSON.stringify beats stringifying value by value.
  const mantraRow = (row: Row): string => {
    const text: Record<string, string | null> = {};
    for (const k in row) text[k] = databaseText(row[k]);
    return JSON.stringify(text) + '\n';
  };
  return {
    needsCount: false,
    head: () => '',
    row: opts.envelope === 'mantra' ? mantraRow : line,
    tail: () => '',
  };
}

export const ndjson: Format = { name: 'ndjson', mediaType: 'application/x-ndjson', document, rows };
