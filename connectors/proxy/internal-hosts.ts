/**
 * Backends that reach the server itself or its cloud's internals: loopback, link-local, metadata, unspecified and
 * the server's own addresses (in any IPv4-mapped spelling). A proxy may call one only when an administrator lists
 * it in the settings' `internalBackends` (entries as in `backendAllowlist`: host, host:port, *.domain).
 * Host names are looked up (every address) when an operation is saved and when the registry compiles it, never
 * per call.
 */
import dns from 'node:dns/promises';
import os from 'node:os';
import { ProxyError, proxyCodes } from './errors.ts';
import { hostListed } from './hosts.ts';
import { inRange, type IpBytes, ipBytes, ipRange, sameIp } from './ip-address.ts';

export type InternalReason = 'loopback' | 'link-local' | 'metadata' | 'unspecified' | 'own address';

/** Most specific first: a metadata address is link-local too, and is named as metadata. */
const ranges = ([
  ['169.254.169.254', 'metadata'],
  ['fd00:ec2::254', 'metadata'],
  ['127.0.0.0/8', 'loopback'],
  ['::1', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['fe80::/10', 'link-local'],
  ['0.0.0.0/8', 'unspecified'],
  ['::', 'unspecified'],
] as const).map(([range, reason]) => ({ range: ipRange(range), reason }));

/** Names that mean this machine or the cloud's metadata service whatever DNS says (RFC 6761 for localhost). */
const names: { test: RegExp; reason: InternalReason }[] = [
  { test: /^localhost$|\.localhost$/, reason: 'loopback' },
  { test: /^metadata\.google\.internal$/, reason: 'metadata' },
];

/** What the settings allow and what the backends' names resolved to (absent: only literals and names are judged). */
export interface InternalCheck {
  allow: readonly string[];
  addresses?: ReadonlyMap<string, readonly string[]>;
}

/** A URL's host as looked up: lower case, without brackets or a trailing dot. */
export const hostKey = (url: URL) => url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');

function ownAddresses(): IpBytes[] {
  return Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((a) => ipBytes(a.address)))
    .filter((b): b is IpBytes => b !== undefined);
}

export function addressReason(address: string, own: IpBytes[] = ownAddresses()): InternalReason | undefined {
  const ip = ipBytes(address);
  if (!ip) return undefined;
  return ranges.find((r) => inRange(ip, r.range))?.reason ?? (own.some((o) => sameIp(o, ip)) ? 'own address' : undefined);
}

/** Why this backend URL is internal and not allowed; undefined when it may be called. */
export function internalReason(url: URL, check: InternalCheck, own: IpBytes[] = ownAddresses()): InternalReason | undefined {
  if (hostListed(url, check.allow)) return undefined;
  const host = hostKey(url);
  const named = names.find((n) => n.test.test(host));
  if (named) return named.reason;
  const addresses = ipBytes(host) ? [host] : check.addresses?.get(host) ?? [];
  for (const a of addresses) {
    const reason = addressReason(a, own);
    if (reason) return reason;
  }
  return undefined;
}

/** The first of these URLs that is internal and not allowed, with why. */
export function firstInternal(urls: readonly string[], check: InternalCheck): { host: string; reason: InternalReason } | undefined {
  const own = ownAddresses();
  for (const u of urls) {
    const url = new URL(u);
    const reason = internalReason(url, check, own);
    if (reason) return { host: url.host, reason };
  }
  return undefined;
}

/** A name that does not answer in this time is judged on what is known without it. */
const LOOKUP_TIMEOUT_MS = 2000;

async function lookup(host: string, timeoutMs: number): Promise<string[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), timeoutMs)));
  try {
    const found = dns.lookup(host, { all: true, verbatim: true }).then((r) => r.map((a) => a.address), () => []);
    return await Promise.race([found, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every address each URL's host name resolves to (literals need none). A name that does not resolve maps to no
 * address: it cannot be shown internal now, and is looked up again when the operation is compiled.
 */
export async function lookupBackends(urls: readonly string[], timeoutMs = LOOKUP_TIMEOUT_MS): Promise<Map<string, string[]>> {
  const hosts = [...new Set(urls.map((u) => hostKey(new URL(u))))].filter((h) => !ipBytes(h));
  const found = await Promise.all(hosts.map(async (h) => [h, await lookup(h, timeoutMs)] as const));
  return new Map(found);
}

/** A proxy whose backend is internal and not allowed: the admin API answers 403, a call 10003 as for a host not allowed. */
export class InternalBackendError extends ProxyError {
  constructor(readonly host: string, readonly reason: InternalReason) {
    super(
      proxyCodes.noUrl,
      'config',
      `The backend's address is internal (${reason}): an administrator must list it in internalBackends of the settings`,
    );
  }
}

export function internalProblem(urls: readonly string[], check: InternalCheck | undefined): InternalBackendError | undefined {
  const found = check && firstInternal(urls, check);
  return found && new InternalBackendError(found.host, found.reason);
}
