/** A database value after the connector normalised it (dates as ISO text, big numbers as strings). */
export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

/** The formats a caller may ask for by name (REST v1's suffix, `?format=`, Accept). */
export const formatNames = ['json', 'xml', 'csv', 'php', 'serialize', 'ndjson'] as const;
/** Those, and `soap`, which only the SOAP interface picks (the content of its response element). */
export type FormatName = (typeof formatNames)[number] | 'soap';

/**
 * Which wrapper a row stream sits in:
 * - `mantra`: the original's envelope {"response":{"status":1,"code":200,"message":"OK","data":{NAME:[rows]}}},
 *   database values as strings (as PHP returns them), SQL NULL as null.
 * - `v1`: REST v1, {"data":[rows],"meta":{...}} with native JSON types.
 * - `soap`: the rows inside a SOAP answer's response element, which the SOAP interface writes around them; an empty
 *   result is an empty response, as in v1.
 */
export type Envelope = 'mantra' | 'v1' | 'soap';

export interface ResultMeta {
  rowCount: number;
  truncated?: boolean;
  limit?: number;
  offset?: number;
  nextCursor?: string;
  [k: string]: unknown;
}

/** Streams rows: head + row* + tail, each returning text to append. Pure and thread-agnostic. */
export interface RowEncoder {
  /** True when head() needs the row count up front (PHP serialize); the caller buffers rows first. */
  readonly needsCount: boolean;
  head(count?: number): string;
  row(row: Row, index: number): string;
  tail(meta: ResultMeta): string;
}

export interface RowEncoderOptions {
  envelope: Envelope;
  /** Operation slug: the key (json/php/serialize) or element name (xml) of each row. */
  name: string;
  /** Column order for csv headers when known before the first row. */
  columns?: string[];
}

export interface Format {
  name: FormatName;
  /** Content-Type on the REST v1 paths (the compatible paths always answer text/plain;charset=UTF-8). */
  mediaType: string;
  /** A whole document from a value tree (objects, arrays, scalars); used for envelopes, errors and proxy replies. */
  document(value: unknown): string;
  rows(opts: RowEncoderOptions): RowEncoder;
}
