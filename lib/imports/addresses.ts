import net from "node:net";

/** Why an address is refused: the classes an import must not reach unless the administrator allows them. */
export type AddressClass =
  | "unspecified"
  | "loopback"
  | "private"
  | "shared"
  | "link-local"
  | "unique-local"
  | "site-local"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "documentation"
  | "benchmarking"
  | "ipv4-compatible"
  | "nat64-local"
  | "discard"
  | "teredo";

/** An address as 4 (IPv4) or 16 (IPv6) bytes. */
type Bytes = number[];

function ipv4Bytes(text: string): Bytes {
  return text.split(".").map(Number);
}

/** The 16 bytes of an IPv6 address in any form net.isIP accepts ("::1", "::ffff:127.0.0.1", "fe80::1%eth0"). */
function ipv6Bytes(text: string): Bytes {
  let address = text.replace(/%.*$/, "");
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4) {
    const [a, b, c, d] = ipv4Bytes(v4[1]);
    address = address.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = address.includes("::") ? address.split("::") : [address, null];
  const groups = (part: string | null) => (part ? part.split(":").map((group) => parseInt(group, 16)) : []);
  const front = groups(head);
  const back = groups(tail);
  const all = tail === null ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  return all.flatMap((group) => [group >> 8, group & 0xff]);
}

interface Range {
  prefix: Bytes;
  bits: number;
  class: AddressClass;
}

const range = (cidr: string, kind: AddressClass): Range => {
  const [address, bits] = cidr.split("/");
  return { prefix: net.isIPv4(address) ? ipv4Bytes(address) : ipv6Bytes(address), bits: Number(bits), class: kind };
};

function inPrefix(bytes: Bytes, prefix: Bytes, bits: number): boolean {
  if (bytes.length !== prefix.length) return false;
  for (let i = 0; i < bits; i += 8) {
    const take = Math.min(8, bits - i);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[i / 8] & mask) !== (prefix[i / 8] & mask)) return false;
  }
  return true;
}

/** IPv4 ranges that are not the public internet (IANA special-purpose registry, RFC 6890 and successors). */
const IPV4_RANGES: Range[] = [
  range("0.0.0.0/8", "unspecified"),
  range("10.0.0.0/8", "private"),
  range("100.64.0.0/10", "shared"),
  range("127.0.0.0/8", "loopback"),
  range("169.254.0.0/16", "link-local"),
  range("172.16.0.0/12", "private"),
  range("192.0.0.0/24", "reserved"),
  range("192.0.2.0/24", "documentation"),
  range("192.88.99.0/24", "reserved"),
  range("192.168.0.0/16", "private"),
  range("198.18.0.0/15", "benchmarking"),
  range("198.51.100.0/24", "documentation"),
  range("203.0.113.0/24", "documentation"),
  range("224.0.0.0/4", "multicast"),
  range("255.255.255.255/32", "broadcast"),
  range("240.0.0.0/4", "reserved"),
];

/**
 * IPv6 ranges that are not the public internet. The forms that carry an IPv4 address (mapped, NAT64, 6to4)
 * are judged by that address instead (EMBEDDED_IPV4), so ::ffff:127.0.0.1 is loopback.
 */
const IPV6_RANGES: Range[] = [
  range("::/128", "unspecified"),
  range("::1/128", "loopback"),
  range("::/96", "ipv4-compatible"),
  range("64:ff9b:1::/48", "nat64-local"),
  range("100::/64", "discard"),
  range("2001::/32", "teredo"),
  range("2001:db8::/32", "documentation"),
  range("fc00::/7", "unique-local"),
  range("fe80::/10", "link-local"),
  range("fec0::/10", "site-local"),
  range("ff00::/8", "multicast"),
];

/** IPv6 prefixes whose address holds an IPv4 address, and where its four bytes start. */
const EMBEDDED_IPV4: { prefix: Range; at: number }[] = [
  { prefix: range("::ffff:0:0/96", "reserved"), at: 12 },
  { prefix: range("64:ff9b::/96", "reserved"), at: 12 },
  { prefix: range("2002::/16", "reserved"), at: 2 },
];

/** An address as bytes: 4 for IPv4, 16 for IPv6; null when it is not an IP address. */
export function addressBytes(address: string): Bytes | null {
  const family = net.isIP(address.replace(/%.*$/, ""));
  if (family === 4) return ipv4Bytes(address);
  if (family === 6) return ipv6Bytes(address);
  return null;
}

/** The class that makes an address unreachable for imports by default, or null for a public address (or not an address). */
export function forbiddenClass(address: string): AddressClass | null {
  const bytes = addressBytes(address);
  if (!bytes) return null;
  return classOf(bytes);
}

function classOf(bytes: Bytes): AddressClass | null {
  if (bytes.length === 16) {
    for (const { prefix, at } of EMBEDDED_IPV4) {
      if (inPrefix(bytes, prefix.prefix, prefix.bits)) return classOf(bytes.slice(at, at + 4));
    }
  }
  const ranges = bytes.length === 4 ? IPV4_RANGES : IPV6_RANGES;
  return ranges.find((r) => inPrefix(bytes, r.prefix, r.bits))?.class ?? null;
}

/** A CIDR block ("10.1.0.0/16", "fd00::/8", or one address), parsed; null when malformed. */
export function parseCidr(text: string): { prefix: Bytes; bits: number } | null {
  const parts = text.trim().split("/");
  if (parts.length > 2) return null;
  const prefix = addressBytes(parts[0]);
  if (!prefix) return null;
  const max = prefix.length * 8;
  const bits = parts.length === 1 ? max : /^\d+$/.test(parts[1]) ? Number(parts[1]) : NaN;
  return Number.isInteger(bits) && bits >= 0 && bits <= max ? { prefix, bits } : null;
}

/** Whether `address` lies in the block; an IPv4-mapped IPv6 address is compared as its IPv4 address. */
export function cidrContains(block: { prefix: Bytes; bits: number }, address: string): boolean {
  let bytes = addressBytes(address);
  if (!bytes) return false;
  if (bytes.length === 16 && block.prefix.length === 4 && inPrefix(bytes, EMBEDDED_IPV4[0].prefix.prefix, 96)) bytes = bytes.slice(12);
  return inPrefix(bytes, block.prefix, block.bits);
}
