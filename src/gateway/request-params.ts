import { GatewayError } from './errors.ts';

/** Parses `k=v&k2=v2` the way PHP's parse_str does (`+` is a space, %XX decoded). */
export function parsePairs(text: string, into: Record<string, string> = {}): Record<string, string> {
  if (text === '') return into;
  if (/[%+]/.test(text)) {
    for (const [k, v] of new URLSearchParams(text)) if (k !== '') into[k] = v;
    return into;
  }
  // Nothing to decode (most calls): split by hand, a quarter of URLSearchParams' cost, with its rules.
  for (const pair of (text[0] === '?' ? text.slice(1) : text).split('&')) {
    const eq = pair.indexOf('=');
    const k = eq === -1 ? pair : pair.slice(0, eq);
    if (k !== '') into[k] = eq === -1 ? '' : pair.slice(eq + 1);
  }
  return into;
}

/** The raw path and query string of a request URL, without the cost of a URL object. */
export function splitUrl(url: string): { path: string; search: string } {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const q = url.indexOf('?', start);
  return q === -1 ? { path: url.slice(start), search: '' } : { path: url.slice(start, q), search: url.slice(q + 1) };
}

/**
 * PHP's urldecode(): the original decodes path-segment values a second time after parse_str, so MANTRA's
 * `rest` backends send them encoded twice. Invalid escapes stay as they are.
 */
export function phpUrldecode(text: string): string {
  if (!/[%+]/.test(text)) return text;
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '+') bytes.push(32);
    else if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...utf8.encode(String.fromCodePoint(cp)));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Reads caller parameters from a form or JSON body, within the size limit. */
export async function bodyParams(req: Request, maxBytes: number): Promise<Record<string, string>> {
  if (req.method === 'GET' || req.method === 'HEAD' || !req.body) return {};
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new GatewayError('too_large');
  const contentType = req.headers.get('content-type') ?? '';
  const type = contentType.toLowerCase();
  const bytes = await readLimited(req, maxBytes);
  if (type.startsWith('multipart/form-data')) return formFields(bytes, contentType);
  const text = new TextDecoder().decode(bytes);
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text || '{}');
    } catch {
      throw new GatewayError('bad_param', { name: 'body', reason: 'JSON tidak valid' });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new GatewayError('bad_param', { name: 'body', reason: 'harus objek JSON' });
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (v !== null && typeof v === 'object') throw new GatewayError('bad_param', { name: k, reason: 'harus nilai tunggal' });
      if (v !== null) out[k] = String(v);
    }
    return out;
  }
  return parsePairs(text);
}

export async function readLimited(req: Request, maxBytes: number): Promise<Uint8Array> {
  const reader = req.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      // The server's body limits (src/runtime/body-limits.ts) cut a body that came too slowly.
      if ((err as Error)?.name === 'TimeoutError') throw new GatewayError('body_timeout');
      // The bytes stopped coming: the caller went away (Bun says AbortError, Deno BadResource). A normal event.
      throw new GatewayError('client_gone');
    }
    if (step.done) break;
    size += step.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new GatewayError('too_large');
    }
    chunks.push(step.value);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** A multipart body read whole (so within the limit); one that does not parse is the caller's error. */
async function formFields(bytes: Uint8Array, contentType: string): Promise<Record<string, string>> {
  let form: FormData;
  try {
    form = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new GatewayError('bad_param', { name: 'body', reason: 'form multipart tidak valid' });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of form) if (typeof v === 'string') out[k] = v;
  return out;
}
