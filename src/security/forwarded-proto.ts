import { ipAllowed } from './ip-allowlist.ts';

/**
 * The scheme the caller used, as X-Forwarded-Proto says, when the socket peer is a trusted proxy; undefined when
 * the header does not count (no header, an untrusted peer, a value other than http or https). Of a list, the
 * right-most entry: the one the proxy next to Mantra wrote (nginx's `proxy_set_header` writes only its own).
 */
export function forwardedScheme(peer: string, forwardedProto: string | null | undefined, trusted: string[]): 'http' | 'https' | undefined {
  if (!forwardedProto || trusted.length === 0) return undefined;
  const scheme = forwardedProto.slice(forwardedProto.lastIndexOf(',') + 1).trim().toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') return undefined;
  return isTrusted(peer, trusted) ? scheme : undefined;
}

/**
 * The last answer, kept: behind a proxy nearly every request comes from the same peer with the same setting (one
 * array until the next reload), and a check costs 3 µs under Bun, 24 µs under Deno (measured).
 */
let last: { trusted: string[]; peer: string; allowed: boolean } | undefined;

function isTrusted(peer: string, trusted: string[]): boolean {
  if (last?.trusted === trusted && last.peer === peer) return last.allowed;
  const allowed = ipAllowed(peer, trusted);
  last = { trusted, peer, allowed };
  return allowed;
}
