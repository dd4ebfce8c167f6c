import type { Registry } from './gateway/registry.ts';
import { clientAddress } from './security/client-address.ts';
import { forwardedScheme } from './security/forwarded-proto.ts';

/**
 * What the server passes to every request as Hono's `c.env` (absent when a test calls app.request()).
 * `remoteAddress` is the caller's: X-Forwarded-For already applied when the peer is a trusted proxy; `scheme` the
 * one the caller used: X-Forwarded-Proto applied the same way (the request's URL has it too, but a copy of the
 * request made with `new Request(req, init)`, as Hono's bodyLimit makes, takes the runtime's URL).
 */
export type Env = { Bindings: { remoteAddress?: string; requestId?: string; scheme?: 'http' | 'https' } };

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
 * The request's URL with the scheme the caller used (a trusted proxy's X-Forwarded-Proto), so that whatever reads
 * it sees it: the admin session cookie's Secure flag, the addresses a WSDL gives without publicBaseUrl. The URL is
 * set on the request itself: a copy of a Request costs 35 µs under Deno (measured) and would read its signal.
 */
function withCallerScheme(req: Request, scheme: 'http' | 'https'): void {
  if (req.url.startsWith(`${scheme}:`)) return;
  const url = req.url.replace(/^https?:/, `${scheme}:`);
  Object.defineProperty(req, 'url', { value: url, configurable: true });
}

/**
 * The server's entry: gives each request an id (the caller's X-Request-Id when well-formed) and echoes it back,
 * says how long the answer took (Server-Timing, unless the gateway said more), names the caller's address and
 * gives the URL the caller's scheme (both only as a trusted proxy tells, see `trustedProxies`).
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
    const proto = req.headers.get('x-forwarded-proto');
    const proxies = forwarded || proto ? await trustedProxies() : [];
    const forwardedAs = proto ? forwardedScheme(info.remoteAddress, proto, proxies) : undefined;
    if (forwardedAs) withCallerScheme(req, forwardedAs);
    let remote: string | undefined;
    const res = await fetch(req, {
      requestId,
      scheme: forwardedAs ?? (req.url.startsWith('https:') ? 'https' : 'http'),
      get remoteAddress() {
        return (remote ??= clientAddress(info.remoteAddress, forwarded, proxies));
      },
    });
    res.headers.set('x-request-id', requestId);
    if (!res.headers.has('server-timing')) res.headers.set('server-timing', `total;dur=${Math.round((performance.now() - started) * 1000) / 1000}`);
    return res;
  };
}
