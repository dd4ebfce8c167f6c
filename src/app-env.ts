import type { Registry } from './gateway/registry.ts';
import { clientAddress } from './security/client-address.ts';

/**
 * What the server passes to every request as Hono's `c.env` (absent when a test calls app.request()).
 * `remoteAddress` is the caller's: X-Forwarded-For already applied when the peer is a trusted proxy.
 */
export type Env = { Bindings: { remoteAddress?: string; requestId?: string } };

/** The request's id and the caller's address, read once per call. */
export function callInfo(env: Env['Bindings'] | undefined): { requestId: string; remote: string } {
  return { requestId: env?.requestId ?? crypto.randomUUID(), remote: env?.remoteAddress ?? '' };
}

/** The `trustedProxies` setting as it is now; a promise only while the configuration is being reloaded. */
export type TrustedProxies = () => string[] | Promise<string[]>;

/** The trusted proxies from the registry's settings in memory: no store read per request, a reload after a change. */
export function trustedProxiesOf(registry: Pick<Registry, 'ready' | 'settings'>): TrustedProxies {
  const current = () => registry.settings.trustedProxies;
  return () => registry.ready()?.then(current, current) ?? current();
}

const REQUEST_ID = /^[\w.-]{1,64}$/;
const noProxies: TrustedProxies = () => [];

/**
 * The server's entry: gives each request an id (the caller's X-Request-Id when well-formed) and echoes it back,
 * says how long the answer took (Server-Timing, unless the gateway said more), and names the caller's address.
 * Done here rather than as a Hono middleware, which costs a quarter of the throughput of a small answer; the
 * address is worked out only when something reads it.
 */
export function withRequestId(
  fetch: (req: Request, env: Env['Bindings']) => Response | Promise<Response>,
  trustedProxies: TrustedProxies = noProxies,
): (req: Request, info: { remoteAddress: string }) => Promise<Response> {
  return async function serveRequest(req, info) {
    const started = performance.now();
    const given = req.headers.get('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    // Only a forwarded request needs the setting, so a direct one never waits for a reload.
    const forwarded = req.headers.get('x-forwarded-for');
    const proxies = forwarded ? await trustedProxies() : [];
    let remote: string | undefined;
    const res = await fetch(req, {
      requestId,
      get remoteAddress() {
        return (remote ??= clientAddress(info.remoteAddress, forwarded, proxies));
      },
    });
    res.headers.set('x-request-id', requestId);
    if (!res.headers.has('server-timing')) res.headers.set('server-timing', `total;dur=${Math.round((performance.now() - started) * 1000) / 1000}`);
    return res;
  };
}
