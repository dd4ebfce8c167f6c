import net from 'node:net';

/** Entries are single addresses or CIDR ranges, IPv4 or IPv6 (IPv4-mapped IPv6 callers match IPv4 rules). */
export function ipAllowed(remote: string, allowlist: string[]): boolean {
  const address = remote.startsWith('::ffff:') && net.isIPv4(remote.slice(7)) ? remote.slice(7) : remote;
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return false;
  const list = new net.BlockList();
  for (const entry of allowlist) {
    const [base, bits] = entry.split('/');
    const type = net.isIPv4(base) ? 'ipv4' : net.isIPv6(base) ? 'ipv6' : undefined;
    if (!type) continue;
    if (bits === undefined) list.addAddress(base, type);
    else list.addSubnet(base, Number(bits), type);
  }
  return list.check(address, family);
}
