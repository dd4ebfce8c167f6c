import net from 'node:net';
import { ipAllowed } from './ip-allowlist.ts';

/**
 * The caller's address. X-Forwarded-For counts only when the socket peer is a trusted proxy, and then its
 * right-most entry that is not itself a trusted proxy: each proxy appends the peer it saw, so everything left of
 * that entry is whatever the client wrote. An entry that is not an address ends the walk at the last trusted hop.
 */
export function clientAddress(peer: string, forwardedFor: string | null | undefined, trusted: string[]): string {
  if (!forwardedFor || trusted.length === 0 || !ipAllowed(peer, trusted)) return peer;
  let client = peer;
  const hops = forwardedFor.split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = bareAddress(hops[i]);
    if (!hop) return client;
    client = hop;
    if (!ipAllowed(hop, trusted)) return hop;
  }
  return client;
}

/** `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443` → the address alone; anything else → undefined. */
function bareAddress(entry: string): string | undefined {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text)?.[1];
  const candidate = bracketed ?? (/^[\d.]+:\d+$/.test(text) ? text.slice(0, text.lastIndexOf(':')) : text);
  return net.isIP(candidate) ? candidate : undefined;
}
