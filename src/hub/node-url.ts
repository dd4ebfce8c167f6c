import { HubError } from './messages.ts';

/** Where a node publishes itself: its base address (path prefix kept) and its gateway OpenAPI document. */
export interface NodeAddress {
  base: string;
  document: string;
}

/** The catalogue's whole-gateway document, under any base (catalogue/routes.ts). */
const DOCUMENT = '/catalogue/openapi.json';

/**
 * The node's addresses from what the administrator gave: its base (`https://node.go.id/mantra`), or any address
 * under its `/catalogue` (the document itself, the catalogue page). Only http(s); credentials and queries are
 * refused, since the base becomes the endpoint of stored proxy operations.
 */
export function nodeAddress(given: string): NodeAddress {
  let url: URL;
  try {
    url = new URL(given.trim());
  } catch {
    throw new HubError(400, 'hub_url');
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search) throw new HubError(400, 'hub_url');
  const at = url.pathname.search(/\/catalogue(?:\/|$)/);
  const path = (at >= 0 ? url.pathname.slice(0, at) : url.pathname).replace(/\/+$/, '');
  const base = `${url.origin}${path}`;
  return { base, document: `${base}${DOCUMENT}` };
}

/** The compatible path of one node service: the endpoint of the hub's proxy operations for it. */
export const serviceEndpoint = (base: string, agency: string, service: string) => `${base}/json/${agency}/${service}`;

/** Whether a stored proxy endpoint is one of this node's (so an import may update it, and report it gone). */
export const fromNode = (base: string, endpoint: string) => endpoint.startsWith(`${base}/json/`);
