import type { FormatName } from '../../formats/types.ts';
import { bodyParams, parsePairs, phpUrldecode, splitUrl } from '../request-params.ts';

/** The original's URL formats, plus Mantra's additions under the same grammar. */
export const compatFormats: Record<string, FormatName> = { json: 'json', xml: 'xml', api: 'serialize', serialize: 'serialize', php: 'php', csv: 'csv' };

export interface CompatRoute {
  agency: string;
  service: string;
  operation: string;
  /** The `k=v&…` segment, raw (still percent-encoded). */
  args: string;
}


/**
 * The path after `/{format}/`, split as sys/api.php does: a missing trailing "/" is added, the path is cut at every
 * "/" (empty segments kept, so a doubled slash shifts the rest), the first four are agency, service, operation and
 * parameters, missing ones are empty and later ones are ignored. Segments stay raw, as REQUEST_URI gives them.
 */
export function compatRoute(path: string): CompatRoute {
  const rest = path.slice(path.indexOf('/', 1) + 1);
  const [agency = '', service = '', operation = '', args = ''] = rest.split('/', 4);
  return { agency, service, operation, args };
}

const formatByPrefix = new Map(Object.entries(compatFormats));

/** The format of a compatible path (`/json/…`), or undefined when its first segment is none of them. */
export function compatFormatOf(path: string): FormatName | undefined {
  const end = path.indexOf('/', 1);
  return end === -1 ? undefined : formatByPrefix.get(path.slice(1, end));
}

const FORM = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i;

/**
 * The caller's parameters, as sys/api.php reads them: the `k=v&…` path segment (parse_str), or the POST form
 * when the segment is empty; every value decoded a second time (urldecode). Mantra adds the query string, which
 * the segment and the form override. Synchronous unless a body has to be read.
 */
export function compatParams(
  http: Request, args: string, maxBodyBytes: number,
): Record<string, string> | Promise<Record<string, string>> {
  const params = parsePairs(splitUrl(http.url).search);
  if (args) {
    for (const [k, v] of Object.entries(parsePairs(args))) params[k] = phpUrldecode(v);
    return params;
  }
  if (http.method === 'GET' || http.method === 'HEAD' || !http.body) return params;
  const form = FORM.test(http.headers.get('content-type') ?? '');
  return bodyParams(http, maxBodyBytes).then((body) => {
    for (const [k, v] of Object.entries(body)) params[k] = form ? phpUrldecode(v) : v;
    return params;
  });
}
