/** Which backend response headers reach the caller. */
import type { HeaderReader } from './types.ts';

/** Never passed: hop-by-hop, cookies, authentication challenges, and what the gateway's own encoding decides. */
const neverPassed = new Set([
  'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate',
  'proxy-authorization', 'proxy-connection', 'set-cookie', 'set-cookie2', 'www-authenticate',
  'content-length', 'content-encoding', 'content-type', 'content-range', 'accept-ranges',
]);

type Match = (name: string) => boolean;

function matcher(patterns: readonly string[]): Match {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of patterns) {
    const lower = p.trim().toLowerCase();
    if (lower.endsWith('*')) prefixes.push(lower.slice(0, -1));
    else exact.add(lower);
  }
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}

/** Builds the rule once; the result is undefined when nothing passes. */
export function responseHeaderFilter(rule: { pass: readonly string[]; drop: readonly string[] }) {
  if (rule.pass.length === 0) return () => undefined;
  const pass = matcher(rule.pass);
  const drop = matcher(rule.drop);
  return function passedHeaders(headers: HeaderReader): Record<string, string> | undefined {
    const out: Record<string, string> = {};
    let any = false;
    headers.forEach((value, name) => {
      const lower = name.toLowerCase();
      if (neverPassed.has(lower) || !pass(lower) || drop(lower)) return;
      out[lower] = value;
      any = true;
    });
    return any ? out : undefined;
  };
}
