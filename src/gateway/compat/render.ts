import { getFormat } from '../../formats/index.ts';
import type { Format } from '../../formats/types.ts';
import { type GatewayError, gatewayErrors } from '../errors.ts';
import type { CallContext } from '../types.ts';
import { streamBody, valueHeaders } from '../body.ts';
import { answerBody } from '../answer-body.ts';

/** The original always answers HTTP 200 and text/plain, with status 1/0 inside the envelope. */
const headers = { 'content-type': 'text/plain;charset=UTF-8' };

/** Every parameter problem reads like the original's one message for them. */
const asOriginal: Record<string, string> = { bad_param: 'missing_params', missing_param: 'missing_params', unknown_param: 'missing_params' };

export function renderCompatError(format: Format, err: GatewayError): Response {
  // The original answers callers that are not `User-Agent: MANTRA` with an empty body.
  if (err.key === 'strict_compat') return new Response('', { status: 200, headers });
  const message = asOriginal[err.key] ? gatewayErrors.missing_params.id : err.text('id');
  const body = format.document({ response: { status: 0, code: err.code, message, data: '' } });
  return new Response(body, { status: 200, headers });
}

export function renderCompat(ctx: CallContext): Response {
  const format = getFormat(ctx.req.format)!;
  if (ctx.error || !ctx.result) return renderCompatError(format, ctx.error!);
  const result = ctx.result;
  if (result.kind === 'stream') return new Response(answerBody(ctx, streamBody(result, () => ctx.req.signal, ctx.streamEnd)), { status: 200, headers });
  const data = result.rows ? { [ctx.req.operation]: result.rows } : result.data;
  return new Response(answerBody(ctx, format.document({ response: { status: 1, code: 200, message: 'OK', data } })), {
    status: 200,
    headers: valueHeaders(result, headers),
  });
}
