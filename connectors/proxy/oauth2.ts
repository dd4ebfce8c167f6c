/**
 * OAuth2 client credentials (RFC 6749 §4.4): one token per invoker, reused until shortly before it expires,
 * fetched by one request at a time however many calls wait for it.
 */
import type { ProxyAuth } from '../../src/model/operation-proxy.ts';
import { decodeText } from './decode.ts';
import { ProxyError, proxyCodes, unavailable } from './errors.ts';
import { phpUrlencode } from './php-url.ts';
import type { Transport } from './transport.ts';
import type { Signal } from '../cancel.ts';

type OAuth2 = Extract<ProxyAuth, { type: 'oauth2' }>;

/** Used when the token endpoint does not say how long a token lives. */
const DEFAULT_LIFETIME_S = 60;
const TOKEN_TIMEOUT_MS = 10_000;
const TOKEN_MAX_BYTES = 64 * 1024;

export interface TokenSource {
  token(signal?: Signal): Promise<string>;
  /** Forget the current token (the backend refused it). */
  invalidate(): void;
}

export function createTokenSource(cfg: OAuth2, transport: Transport, now: () => number): TokenSource {
  let current: { value: string; renewAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const form = [['grant_type', 'client_credentials']];
    if (cfg.scope) form.push(['scope', cfg.scope]);
    if (cfg.audience) form.push(['audience', cfg.audience]);
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    };
    if (cfg.clientAuth === 'basic') {
      headers.Authorization = `Basic ${base64(`${phpUrlencode(cfg.clientId)}:${phpUrlencode(cfg.clientSecret)}`)}`;
    } else {
      form.push(['client_id', cfg.clientId], ['client_secret', cfg.clientSecret]);
    }
    const res = await transport.send(
      { method: 'POST', url: cfg.tokenUrl, headers, body: new URLSearchParams(form).toString(), idempotent: false },
      { deadline: Date.now() + TOKEN_TIMEOUT_MS, headersTimeoutMs: TOKEN_TIMEOUT_MS, maxBytes: TOKEN_MAX_BYTES },
    );
    if (res.status !== 200) throw unavailable(`The OAuth2 token endpoint answered HTTP ${res.status}`);
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(decodeText(res.body));
    } catch {
      throw unavailable('The OAuth2 token endpoint answered no JSON');
    }
    if (typeof body?.access_token !== 'string' || !body.access_token) {
      throw unavailable('The OAuth2 token endpoint gave no access_token');
    }
    const lifetimeMs = (Number(body.expires_in) > 0 ? Number(body.expires_in) : DEFAULT_LIFETIME_S) * 1000;
    // Renew a little early: a tenth of the lifetime, at most 30 s, so a token never expires on its way.
    current = { value: body.access_token, renewAt: now() + lifetimeMs - Math.min(30_000, lifetimeMs / 10) };
    return body.access_token;
  }

  return {
    token(signal) {
      if (current && now() < current.renewAt) return Promise.resolve(current.value);
      inflight ??= fetchToken().finally(() => {
        inflight = undefined;
      });
      if (!signal) return inflight;
      // The shared fetch goes on for the others when this caller gives up.
      return Promise.race([inflight, abortion(signal)]);
    },
    invalidate() {
      current = undefined;
    },
  };
}

function abortion(signal: Signal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new ProxyError(proxyCodes.timeout, 'cancelled', 'The call was cancelled'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

export function base64(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}
