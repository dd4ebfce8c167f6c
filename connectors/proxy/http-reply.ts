/**
 * What a REST backend's answer means. 2xx: the body as a value tree (decode.ts); a MANTRA envelope in it is unwrapped
 * (status 1 → its data; status 0 → its code and message, unchanged). MANTRA styles first take `valid_response`,
 * `invalid_response` or `error_response` when the reply has one, as the original did.
 * 3xx: not followed. 4xx/5xx: 'unavailable' with the status, unless the body is a MANTRA error envelope.
 */
import type { ProxySpec } from '../../src/model/operation-proxy.ts';
import { decodeReply } from './decode.ts';
import { isProxyError, unavailable } from './errors.ts';
import { unwrapEnvelope, unwrapLegacyResponse } from './envelope.ts';
import type { RawResponse } from './types.ts';

export interface Reply {
  data: unknown;
  status: number;
}

export function httpReplyReader(spec: ProxySpec): (raw: RawResponse) => Reply {
  const mantraStyle = spec.style !== 'http';
  const format = spec.replyFormat;
  return function readHttpReply(raw) {
    const type = raw.headers.get('content-type') ?? '';
    if (raw.status >= 300 && raw.status < 400) {
      throw unavailable(`The backend answered a redirect (HTTP ${raw.status}); redirects are not followed`, raw.status);
    }
    if (raw.status >= 400) {
      passErrorEnvelope(raw.body, type);
      throw unavailable(`The backend answered HTTP ${raw.status}`, raw.status);
    }
    let value = decodeReply(raw.body, type, format, raw.status);
    if (mantraStyle) value = unwrapLegacyResponse(value);
    const inner = unwrapEnvelope(value);
    return { data: inner ? inner.data : value, status: raw.status };
  };
}

/** A MANTRA (or Mantra) behind a non-2xx status may still say why in an envelope: pass that on. */
function passErrorEnvelope(body: Uint8Array, type: string): void {
  if (body.byteLength === 0) return;
  try {
    unwrapEnvelope(decodeReply(body, type, 'auto', 200));
  } catch (e) {
    if (isProxyError(e) && e.kind === 'remote') throw e;
  }
}
