import { GatewayError } from './errors.ts';

/** Parses `k=v&k2=v2` the way PHP's parse_str does (`+` is a space, %XX decoded). */
export function parsePairs(text: string, into: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of new URLSearchParams(text)) if (k !== '') into[k] = v;
  return into;
}

/** Reads caller parameters from a form or JSON body, within the size limit. */
export async function bodyParams(req: Request, maxBytes: number): Promise<Record<string, string>> {
  if (req.method === 'GET' || req.method === 'HEAD' || !req.body) return {};
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new GatewayError('too_large');
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const out: Record<string, string> = {};
    for (const [k, v] of await req.formData()) if (typeof v === 'string') out[k] = v;
    return out;
  }
  const text = await readLimited(req, maxBytes);
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

async function readLimited(req: Request, maxBytes: number): Promise<string> {
  const reader = req.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new GatewayError('too_large');
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
}
