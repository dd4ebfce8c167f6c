import net from 'node:net';

export interface IpEntry {
  address: string;
  family: 'ipv4' | 'ipv6';
  /** CIDR prefix length; absent for a single address. */
  prefix?: number;
}

const maxPrefix = { ipv4: 32, ipv6: 128 } as const;

/**
 * One allowlist entry: an IPv4 or IPv6 address, or a CIDR range of either; undefined for anything else. Zone ids
 * (`fe80::1%eth0`) are refused: a caller's address never carries one, and Deno's BlockList rejects them.
 */
export function parseIpEntry(entry: string): IpEntry | undefined {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) && !address.includes('%') ? 'ipv6' : undefined;
  if (!family) return undefined;
  if (slash < 0) return { address, family };
  const bits = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > maxPrefix[family]) return undefined;
  return { address, family, prefix: Number(bits) };
}

/** An allowlist made ready once: entries are single addresses or CIDR ranges, IPv4 or IPv6. */
export function compileAllowlist(allowlist: readonly string[]): (remote: string) => boolean {
  const list = new net.BlockList();
  for (const text of allowlist) {
    const entry = parseIpEntry(text);
    if (!entry) continue;
    if (entry.prefix === undefined) list.addAddress(entry.address, entry.family);
    else list.addSubnet(entry.address, entry.prefix, entry.family);
  }
  return function allowed(remote) {
    // IPv4-mapped IPv6 callers match IPv4 rules.
    const address = remote.startsWith('::ffff:') && net.isIPv4(remote.slice(7)) ? remote.slice(7) : remote;
    const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined;
    return family !== undefined && list.check(address, family);
  };
}

/** Whether an address is on a list; compileAllowlist() for a list checked again and again. */
export function ipAllowed(remote: string, allowlist: string[]): boolean {
  return compileAllowlist(allowlist)(remote);
}
