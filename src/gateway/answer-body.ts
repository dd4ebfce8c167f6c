import type { CallContext } from './types.ts';

/**
 * Notes a whole answer's body on the call for its track (bytes; digest, signature and copy where the operation
 * asks for them) and hands it on unchanged. A stream is left alone: its track counts what it sent.
 */
export function answerBody<B>(ctx: CallContext, body: B): B {
  if (typeof body === 'string' || body instanceof Uint8Array) ctx.body = body;
  return body;
}
