import { formatNames, type FormatName } from '../../formats/types.ts';
import type { Settings } from '../../model/settings.ts';
import { GatewayError } from '../errors.ts';
import { bodyParams, parsePairs, splitUrl } from '../request-params.ts';
import { decodeCursor, maxOffset } from '../cursor.ts';
import type { GatewayRequest } from '../types.ts';

const byMediaType: [RegExp, FormatName][] = [
  [/application\/json|\*\/\*/, 'json'],
  [/application\/(x-)?ndjson/, 'ndjson'],
  [/(application|text)\/xml/, 'xml'],
  [/text\/csv/, 'csv'],
  [/application\/vnd\.php\.serialized/, 'serialize'],
  [/text\/x-php/, 'php'],
];
const reserved = new Set(['format', 'limit', 'offset', 'cursor', 'lang']);
const suffix = new RegExp(`\\.(${formatNames.join('|')})$`);

/** The format a v1 caller asks for: the path suffix, then `?format=`, then Accept; json when none says. */
function pickFormat(accept: string | null, query: string | undefined, ext: string | undefined): string {
  if (ext) return ext;
  if (query) return query;
  if (!accept) return 'json';
  let best: FormatName | undefined, at = Infinity;
  for (const [re, name] of byMediaType) {
    const m = re.exec(accept);
    if (m && m.index < at) [best, at] = [name, m.index];
  }
  return best ?? 'json';
}

/** The v1 key: `Authorization: Bearer`, `X-API-Key` or `AccessKey`. */
export function keyOf(headers: Headers): string | undefined {
  const auth = headers.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return headers.get('x-api-key') ?? headers.get('accesskey') ?? undefined;
}

function intParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value) || Number(value) > maxOffset) throw new GatewayError('bad_param', { name, reason: 'harus bilangan bulat ≥ 0' });
  return Number(value);
}

/**
 * REST v1's grammar inside the pipeline: the format (suffix, `?format=`, Accept), the query and body parameters,
 * and the page (`limit`, `offset` or the opaque `cursor`). Synchronous unless a body has to be read.
 */
export function readV1(req: GatewayRequest, settings: Settings): void | Promise<void> {
  const http = req.http!;
  const query = parsePairs(splitUrl(http.url).search);
  const ext = suffix.exec(req.operation)?.[1];
  if (ext) req.operation = req.operation.slice(0, -ext.length - 1);
  const format = pickFormat(http.headers.get('accept'), query.format, ext);
  if (!(formatNames as readonly string[]).includes(format)) throw new GatewayError('bad_format', { format });
  req.format = format as FormatName;
  const { cursor, limit, offset } = query;
  for (const name of reserved) delete query[name];
  const start = cursor !== undefined ? decodeCursor(cursor) : intParam(offset, 'offset');
  if (cursor !== undefined && start === undefined) throw new GatewayError('bad_param', { name: 'cursor', reason: 'tidak valid' });
  req.page = { limit: intParam(limit, 'limit'), offset: start };
  req.params = query;
  if (http.method === 'GET' || http.method === 'HEAD' || !http.body) return;
  return bodyParams(http, settings.maxBodyBytes).then((body) => void Object.assign(query, body));
}
