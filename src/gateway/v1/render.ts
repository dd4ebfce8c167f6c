import { getFormat, v1Document } from '../../formats/index.ts';
import type { Format } from '../../formats/types.ts';
import type { Lang } from '../../i18n/index.ts';
import type { GatewayError } from '../errors.ts';
import type { CallContext } from '../types.ts';
import { streamBody, valueHeaders } from '../body.ts';
import { answerBody } from '../answer-body.ts';

const titles: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 406: 'Not Acceptable',
  413: 'Content Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 504: 'Gateway Timeout',
};

/** RFC 9457 problem details carrying MANTRA's code. */
export function renderProblem(err: GatewayError, lang: Lang, requestId: string): Response {
  const body = {
    type: `urn:mantra:error:${err.code}`,
    title: titles[err.status] ?? 'Error',
    status: err.status,
    detail: err.text(lang),
    code: err.code,
    requestId,
  };
  const headers: Record<string, string> = { 'content-type': 'application/problem+json; charset=utf-8' };
  if (err.status === 401) headers['www-authenticate'] = `Bearer realm="mantra"${err.key.startsWith('token_') ? ', error="invalid_token"' : ''}`;
  // The limit stage names the seconds until a token comes back or the day or month turns.
  if (err.status === 429) headers['retry-after'] = String(err.vars.retryAfter ?? 60);
  return new Response(JSON.stringify(body), { status: err.status, headers });
}

function contentType(format: Format): string {
  return format.mediaType.includes('charset') ? format.mediaType : `${format.mediaType}; charset=utf-8`;
}

export function renderV1(ctx: CallContext): Response {
  const { req } = ctx;
  if (ctx.error || !ctx.result) return renderProblem(ctx.error!, req.lang, req.requestId);
  const format = getFormat(req.format)!;
  const headers = { 'content-type': contentType(format) };
  const result = ctx.result;
  if (result.kind === 'stream') return new Response(answerBody(ctx, streamBody(result, () => ctx.req.signal, ctx.streamEnd)), { status: 200, headers });
  const data = result.rows ?? result.data;
  const meta = result.rows ? { rowCount: result.rows.length, ...result.meta } : result.meta ?? {};
  return new Response(answerBody(ctx, v1Document(format, req.operation, data, meta)), { status: 200, headers: valueHeaders(result, headers) });
}
