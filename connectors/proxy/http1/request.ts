/**
 * The bytes of one HTTP/1.1 request. Names and values are checked so no caller or configuration value can end a
 * line early (CR/LF injection); framing headers are Mantra's own, never taken from the given headers.
 */
import { badParam } from '../errors.ts';
import { runtime } from '../../../src/runtime/index.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// deno-lint-ignore no-control-regex
const BAD_VALUE = /[\0\r\n]|[^\x00-\xff]/;
const PLAIN_VALUE = /^[\x20-\x7e\t]*$/;
// deno-lint-ignore no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** Hop-by-hop and framing headers: set by the client from the exchange itself. */
const OWN = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer']);

/** What fetch() of the runtime sent when not told otherwise (backends may log or filter on it). */
const USER_AGENT = `${runtime.name === 'bun' ? 'Bun' : 'Deno'}/${runtime.version}`;

/** Methods whose requests carry a Content-Length even when empty (RFC 9110 §8.6). */
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

const encoder = new TextEncoder();

/** Checked names, lower-cased (names come from configuration: few, and the same on every call). */
const names = new Map<string, string>();

function lowerName(name: string): string {
  let lower = names.get(name);
  if (lower === undefined) {
    if (!TOKEN.test(name)) throw invalid();
    lower = name.toLowerCase();
    if (names.size >= 4096) names.clear();
    names.set(name, lower);
  }
  return lower;
}

const invalid = () => badParam('A header of the backend request has an invalid name or value');

/**
 * The request head and body, as one ASCII string when possible (written as is), else as bytes: header values
 * above 0x7f go out as single bytes (Latin-1), as fetch() sends them; the body as UTF-8.
 */
export function requestBytes(
  method: string,
  target: string,
  host: string,
  headers: Record<string, string>,
  body: string | undefined,
): string | Uint8Array {
  if (!TOKEN.test(method)) throw badParam('The backend request method is not valid');
  let head = `${method} ${target} HTTP/1.1\r\n`;
  let hasHost = false, hasAgent = false, hasAccept = false, hasEncoding = false;
  let latin1 = false;
  for (const name in headers) {
    const value = headers[name];
    const lower = lowerName(name);
    if (PLAIN_VALUE.test(value)) {
      // The usual case: printable ASCII only.
    } else if (BAD_VALUE.test(value)) {
      throw invalid();
    } else if (NON_ASCII.test(value)) {
      latin1 = true;
    }
    if (OWN.has(lower)) continue;
    if (lower === 'host') hasHost = true;
    else if (lower === 'user-agent') hasAgent = true;
    else if (lower === 'accept') hasAccept = true;
    else if (lower === 'accept-encoding') hasEncoding = true;
    head += `${name}: ${httpTrim(value)}\r\n`;
  }
  if (!hasHost) head += `Host: ${host}\r\n`;
  if (!hasAgent) head += `User-Agent: ${USER_AGENT}\r\n`;
  if (!hasAccept) head += 'Accept: */*\r\n';
  if (!hasEncoding) head += 'Accept-Encoding: gzip, deflate, br\r\n';
  if (body === undefined) {
    if (WITH_BODY.has(method)) head += 'Content-Length: 0\r\n';
    head += '\r\n';
    return latin1 ? latin1Bytes(head) : head;
  }
  const bytes = encoder.encode(body);
  head += `Content-Length: ${bytes.byteLength}\r\n\r\n`;
  const out = new Uint8Array(head.length + bytes.byteLength);
  if (latin1) out.set(latin1Bytes(head));
  else encoder.encodeInto(head, out);
  out.set(bytes, head.length);
  return out;
}

/** Leading and trailing spaces and tabs dropped, as web Headers normalise values. */
function httpTrim(value: string): string {
  const first = value.charCodeAt(0), last = value.charCodeAt(value.length - 1);
  if (first !== 0x20 && first !== 0x09 && last !== 0x20 && last !== 0x09) return value;
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
