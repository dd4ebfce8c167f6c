import type { OAuthError, TokenRequest } from './grant.ts';

/** A token request is a handful of short fields. */
const MAX_BODY = 16 * 1024;
const FIELDS = ['grant_type', 'client_id', 'client_secret', 'scope'];

async function readCapped(req: Request): Promise<string | undefined> {
  if (Number(req.headers.get('content-length') ?? 0) > MAX_BODY) return undefined;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    parts.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(parts));
}

/** `Authorization: Basic` credentials, each half form-decoded (RFC 6749 §2.3.1); null when malformed. */
function basicCredentials(header: string): { id: string; secret: string } | null {
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    const form = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: form(decoded.slice(0, colon)), secret: form(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/**
 * The client-credentials request (RFC 6749 §4.4.2): a form body with grant_type, the client's credentials in
 * HTTP Basic or in the body (one of the two), and an optional scope. `names`: the fields given, for the track.
 */
export async function readTokenRequest(req: Request): Promise<{ request: TokenRequest; names: string[] } | { error: OAuthError }> {
  if (!(req.headers.get('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return { error: 'invalid_request' };
  const text = await readCapped(req).catch(() => undefined);
  if (text === undefined) return { error: 'invalid_request' };
  const form = new URLSearchParams(text);
  const names = [...new Set(form.keys())];
  // Parameters must not repeat (§3.2).
  if (FIELDS.some((f) => form.getAll(f).length > 1)) return { error: 'invalid_request' };
  const grantType = form.get('grant_type');
  if (!grantType) return { error: 'invalid_request' };
  if (grantType !== 'client_credentials') return { error: 'unsupported_grant_type' };
  const auth = req.headers.get('authorization');
  const basic = auth?.toLowerCase().startsWith('basic ') ? basicCredentials(auth) : undefined;
  if (basic === null || (basic && (form.has('client_id') || form.has('client_secret')))) return { error: 'invalid_request' };
  const clientId = basic?.id ?? form.get('client_id') ?? '';
  const clientSecret = basic?.secret ?? form.get('client_secret') ?? '';
  // No client authentication at all is invalid_client too (§5.2).
  if (!clientId || !clientSecret) return { error: 'invalid_client' };
  return { request: { clientId, clientSecret, scope: form.get('scope') ?? undefined }, names };
}
