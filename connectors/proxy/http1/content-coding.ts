/**
 * Undoes a Content-Encoding (gzip, deflate, br) as fetch() did, within the byte limit: the limit applies to the
 * decoded body, so a small compressed bomb cannot expand past it.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { tooLarge, unavailable } from '../errors.ts';

export function decodeContent(body: Uint8Array, encoding: string | null, maxBytes: number, status: number): Uint8Array {
  if (encoding === null || body.byteLength === 0) return body;
  const codings = encoding.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
  let out = body;
  // Applied in order, so undone last first.
  for (let i = codings.length - 1; i >= 0; i--) out = decodeOne(out, codings[i], maxBytes, status);
  return out;
}

function decodeOne(body: Uint8Array, coding: string, maxBytes: number, status: number): Uint8Array {
  // One more byte than allowed, so "exactly at the limit" still passes and one past it fails.
  const opts = { maxOutputLength: Math.max(1, maxBytes + 1) };
  let out: Uint8Array;
  try {
    if (coding === 'gzip' || coding === 'x-gzip') out = gunzipSync(body, opts);
    else if (coding === 'br') out = brotliDecompressSync(body, opts);
    else if (coding === 'deflate') out = inflateDeflate(body, opts);
    else throw unavailable(`The backend reply uses an unsupported content encoding (${coding.slice(0, 20)})`, status);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('reply is', maxBytes, status);
    if ((e as { name?: string }).name === 'ProxyError') throw e;
    throw unavailable('The backend reply could not be decompressed', status);
  }
  if (out.byteLength > maxBytes) throw tooLarge('reply is', maxBytes, status);
  return out;
}

/** "deflate" is zlib-wrapped by the standard, raw by some servers; browsers accept both. */
function inflateDeflate(body: Uint8Array, opts: { maxOutputLength: number }): Uint8Array {
  try {
    return inflateSync(body, opts);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw e;
    return inflateRawSync(body, opts);
  }
}
