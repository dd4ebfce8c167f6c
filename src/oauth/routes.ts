import { Hono } from 'hono';
import type { Env } from '../app-env.ts';
import type { Registry } from '../gateway/registry.ts';
import { type Lang, pickLang } from '../i18n/index.ts';
import { log } from '../observability/log.ts';
import type { Tracker } from '../observability/tracker.ts';
import type { Secrets } from '../security/index.ts';
import type { AccessTokens } from '../security/tokens.ts';
import { grantOf, type OAuthError, oauthErrors } from './grant.ts';
import { readTokenRequest } from './token-request.ts';

export interface OAuthDeps {
  registry: Registry;
  secrets: Secrets;
  tokens: AccessTokens;
  tracker: Tracker;
}

/** Token answers are never cached (RFC 6749 §5.1). */
const noStore = { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache' };

function refusal(error: OAuthError, lang: Lang): Response {
  const { status, [lang]: description } = oauthErrors[error];
  const headers: Record<string, string> = { ...noStore };
  if (status === 401) headers['www-authenticate'] = 'Basic realm="mantra"';
  return new Response(JSON.stringify({ error, error_description: description }), { status, headers });
}

/**
 * OAuth2 client credentials (RFC 6749 §4.4) at `POST /oauth2/token`, and the signing key's JWKS at
 * `GET /oauth2/jwks`. Every token request is tracked as interface `oauth`, refused ones included, never its secret.
 */
export function oauthRoutes(deps: OAuthDeps): Hono<Env> {
  const app = new Hono<Env>();

  app.post('/token', async (c) => {
    const at = new Date().toISOString();
    const started = performance.now();
    const lang = pickLang(c.req.raw);
    await deps.registry.ready();
    const read = await readTokenRequest(c.req.raw);
    let res: Response;
    let consumer: string | undefined;
    let note: string;
    if ('error' in read) [res, note] = [refusal(read.error, lang), read.error];
    else {
      const outcome = grantOf(deps.registry.credentials, deps.secrets, read.request);
      if ('error' in outcome) [res, note] = [refusal(outcome.error, lang), outcome.error];
      else {
        const issued = await deps.tokens.issue(outcome.grant);
        consumer = outcome.grant.consumer;
        note = `issued ${issued.claims.id}`;
        res = new Response(JSON.stringify({
          access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope: outcome.scope.join(' '),
        }), { status: 200, headers: noStore });
      }
    }
    try {
      await deps.tracker.record({
        at, requestId: c.env?.requestId ?? crypto.randomUUID(), interface: 'oauth',
        agency: consumer?.split('/')[0] ?? '', service: '', operation: 'token', consumer,
        remote: c.env?.remoteAddress ?? '', userAgent: (c.req.header('user-agent') ?? '').slice(0, 200), format: 'json',
        status: res.status, code: 0, durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        // Field names only ('-': no value kept), as for any call.
        params: 'error' in read ? undefined : Object.fromEntries(read.names.map((name) => [name, '-'])), note,
      });
    } catch (err) {
      log('error', 'token track write failed', { requestId: c.env?.requestId, error: String(err) });
    }
    return res;
  });

  app.all('/token', (c) => {
    const res = refusal('invalid_request', pickLang(c.req.raw));
    return new Response(res.body, { status: 405, headers: { ...Object.fromEntries(res.headers), allow: 'POST' } });
  });

  app.get('/jwks', async (c) => c.json(await deps.tokens.jwks(), 200, { 'cache-control': 'max-age=300' }));

  return app;
}
