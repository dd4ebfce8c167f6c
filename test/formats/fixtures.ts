/** Data and helpers shared by the format tests: the golden bodies, the rows behind them, streaming. */
import { readFileSync } from 'node:fs';
import type { Format, ResultMeta, Row, RowEncoderOptions } from '../../src/formats/types.ts';

const dir = new URL('../fixtures/formats/', import.meta.url);
export const goldenDir = new URL('../fixtures/compat/golden/', import.meta.url);

/** A golden body as text; decoding is strict, so equal text means equal UTF-8 bytes. */
export function golden(name: string): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(new URL(`${name}.body`, goldenDir)));
}

/** The first 100 rows of penduduk.tsv as the PostgreSQL connector hands them over (kode_wilayah is an int column). */
export function penduduk(): Row[] {
  const [header, ...lines] = readFileSync(new URL('penduduk-100.tsv', dir), 'utf8').trimEnd().split('\n');
  const columns = header.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const row: Row = {};
    columns.forEach((c, i) => (row[c] = c === 'kode_wilayah' ? Number(cells[i]) : cells[i]));
    return row;
  });
}

/** Rows as PHP's database drivers give them to MANTRA: every value as text, booleans 1/0, NULL stays null. */
export function asText(rows: Row[]): Row[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, v === null ? null : typeof v === 'boolean' ? (v ? '1' : '0') : String(v)]),
    )
  );
}

export function mantraSuccess(name: string, rows: unknown[]): unknown {
  return { response: { status: 1, code: 200, message: 'OK', data: { [name]: rows } } };
}

export function mantraError(code: number, message: string): unknown {
  return { response: { status: 0, code, message, data: '' } };
}

/** head + row* + tail, giving head the count only when the encoder asks for it. */
export function streamed(format: Format, opts: RowEncoderOptions, rows: Row[], meta: ResultMeta): string {
  const encoder = format.rows(opts);
  let out = encoder.head(encoder.needsCount ? rows.length : undefined);
  rows.forEach((row, i) => (out += encoder.row(row, i)));
  return out + encoder.tail(meta);
}
