/**
 * IP addresses as 16 bytes, so that every spelling of one address compares equal: IPv4 is held as IPv4-mapped IPv6
 * (::ffff:a.b.c.d), and the IPv6 forms that carry an IPv4 address (mapped, the old "compatible" ::a.b.c.d, NAT64's
 * 64:ff9b::/96) are brought to that same form.
 */
import net from 'node:net';

export type IpBytes = Uint8Array;

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function fromV4(text: string): IpBytes {
  return Uint8Array.from([...MAPPED_PREFIX, ...text.split('.').map(Number)]);
}

/** IPv6 text (already known valid) as eight 16-bit groups; an embedded IPv4 tail counts as two groups. */
function groupsOf(part: string): number[] {
  if (part === '') return [];
  return part.split(':').flatMap((g) => {
    if (!g.includes('.')) return [parseInt(g, 16)];
    const [a, b, c, d] = g.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  });
}

function fromV6(text: string): IpBytes {
  const gap = text.indexOf('::');
  const head = groupsOf(gap < 0 ? text : text.slice(0, gap));
  const tail = gap < 0 ? [] : groupsOf(text.slice(gap + 2));
  const groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => [bytes[2 * i], bytes[2 * i + 1]] = [g >> 8, g & 0xff]);
  return carriedV4(bytes) ?? bytes;
}

const zeros = (b: IpBytes, from: number, to: number) => b.subarray(from, to).every((x) => x === 0);

/** The IPv4 address an IPv6 address carries, as mapped bytes; undefined for a plain IPv6 address. */
function carriedV4(b: IpBytes): IpBytes | undefined {
  const compatible = zeros(b, 0, 12) && !zeros(b, 12, 15); // ::a.b.c.d, but not :: nor ::1
  const nat64 = b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(b, 4, 12);
  if (!compatible && !nat64) return undefined;
  return Uint8Array.from([...MAPPED_PREFIX, ...b.subarray(12)]);
}

/** An address literal (brackets, a zone id and a trailing dot allowed) as bytes; undefined when it is none. */
export function ipBytes(text: string): IpBytes | undefined {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv4(bare)) return fromV4(bare);
  if (net.isIPv6(bare)) return fromV6(bare);
  return undefined;
}

/** A range `address/bits`; an IPv4 range's bits count within IPv4. */
export interface IpRange {
  base: IpBytes;
  bits: number;
}

export function ipRange(text: string): IpRange {
  const [address, bits] = text.split('/');
  const base = ipBytes(address);
  if (!base) throw new Error(`not an IP range: ${text}`);
  const v4 = net.isIPv4(address);
  return { base, bits: bits === undefined ? 128 : Number(bits) + (v4 ? 96 : 0) };
}

export function inRange(ip: IpBytes, range: IpRange): boolean {
  const whole = range.bits >> 3;
  for (let i = 0; i < whole; i++) if (ip[i] !== range.base[i]) return false;
  const rest = range.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip[whole] & mask) === (range.base[whole] & mask);
}

export const sameIp = (a: IpBytes, b: IpBytes) => a.every((x, i) => x === b[i]);
