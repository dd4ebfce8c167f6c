/** The output formats, keyed by name. */
import type { Format, FormatName } from './types.ts';
import { csv } from './csv.ts';
import { json } from './json.ts';
import { ndjson } from './ndjson.ts';
import { php } from './php.ts';
import { serialize } from './serialize.ts';
import { soap } from './soap.ts';
import { xml } from './xml.ts';

export type { Envelope, Format, FormatName, ResultMeta, Row, RowEncoder, RowEncoderOptions, Value } from './types.ts';
export { formatNames } from './types.ts';
export { v1Document } from './v1.ts';

export const formats: Record<FormatName, Format> = { json, xml, csv, php, serialize, ndjson, soap };

/** The format of that name; undefined for any other name (including inherited ones like "constructor"). */
export function getFormat(name: string): Format | undefined {
  return Object.hasOwn(formats, name) ? formats[name as FormatName] : undefined;
}
