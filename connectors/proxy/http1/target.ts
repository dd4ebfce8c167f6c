/**
 * Splits an http:// URL into its origin (host, port, Host header; parsed once per authority and cached) and the
 * request target (path and query). Common, already-normalised URLs are split by hand; anything else goes through
 * the WHATWG URL parser, as fetch() would, so the backend sees the same target either way.
 */
export interface Origin {
  /** Pool key: host and port as in the Host header. */
  key: string;
  /** For connecting: no IPv6 brackets. */
  hostname: string;
  port: number;
  /** Host header value (default port left out, as fetch() sends it). */
  host: string;
  /** For logs only (may name the host; never shown to callers). */
  origin: string;
}

export interface Route {
  origin: Origin;
  /** Path and query, no fragment, only visible ASCII. */
  target: string;
}

/** A target URL parsing would leave unchanged: no dot segments, quotes, backslashes, fragments or non-ASCII. */
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*$/;
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x20\x7f-\uffff]/;
const MAX_CACHED = 1024;

const origins = new Map<string, Origin | null>();

/** The route for an http:// URL, or undefined when the HTTP/1.1 client should leave it to fetch(). */
export function route(url: string): Route | undefined {
  if (!url.startsWith('http://')) return undefined;
  let end = 7;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) break; // / ? # \
    end++;
  }
  const target = end === url.length ? '/' : url.slice(end);
  if (PLAIN_TARGET.test(target) && !target.includes('/.')) {
    const origin = originOf(url.slice(7, end));
    return origin ? { origin, target } : undefined;
  }
  return parsed(url);
}

function parsed(url: string): Route | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined; // fetch() reports it the way it always has
  }
  const origin = originOf(u.host);
  const target = u.pathname + u.search;
  if (!origin || u.username || u.password || UNSAFE.test(target)) return undefined;
  return { origin, target };
}

/** null: not for this client (credentials in the URL, not a plain host). */
function originOf(authority: string): Origin | null {
  const known = origins.get(authority);
  if (known !== undefined) return known;
  let origin: Origin | null = null;
  try {
    const u = new URL(`http://${authority}/`);
    if (!u.username && !u.password && u.hostname) {
      origin = {
        key: u.host,
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port ? Number(u.port) : 80,
        host: u.host,
        origin: u.origin,
      };
    }
  } catch {
    origin = null;
  }
  if (origins.size >= MAX_CACHED) origins.clear();
  origins.set(authority, origin);
  return origin;
}
