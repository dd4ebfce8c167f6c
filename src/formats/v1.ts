/**
 * A whole REST v1 answer {data, meta} as text: the same bytes rows({envelope: 'v1'}) streams when data is a list
 * of rows. Use it instead of document() on the v1 paths: document() of json is PHP's pretty form with every list
 * written as an object, and xml needs the rows under an element named after the operation.
 */
import type { Format, ResultMeta } from './types.ts';

export function v1Document(format: Format, name: string, data: unknown, meta: ResultMeta | Record<string, unknown>): string {
  if (format.name === 'json') return JSON.stringify({ data, meta });
  if (format.name === 'xml' && Array.isArray(data)) return format.document({ data: { [name]: data }, meta });
  return format.document({ data, meta });
}
