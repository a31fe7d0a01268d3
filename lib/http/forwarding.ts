import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import type { TLSSocket } from "node:tls";

/**
 * Which peers may say, in X-Forwarded-For and X-Forwarded-Proto, who the client is and whether it
 * came over HTTPS: HANGAR_TRUSTED_PROXIES, a comma-separated list of addresses and CIDR ranges
 * ("127.0.0.1, 10.0.0.0/8, fd00::/8"). Unset, nobody is trusted and those headers are ignored:
 * anyone can send them.
 */
export interface ForwardingTrust {
  trusts(address: string): boolean;
}

/** An IPv4-mapped IPv6 address ("::ffff:10.0.0.1", what a dual-stack socket reports) as plain IPv4. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** Parses HANGAR_TRUSTED_PROXIES; throws with a message naming the bad entry, so that a typo stops the server at start. */
export function parseTrustedProxies(value: string | undefined): ForwardingTrust {
  return parseAddressList(value, "HANGAR_TRUSTED_PROXIES");
}

/** A comma-separated list of addresses and CIDR ranges from the variable `name`; a bad entry throws with a message naming both. */
export function parseAddressList(value: string | undefined, name: string): ForwardingTrust {
  const list = new BlockList();
  for (const entry of (value ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const slash = entry.indexOf("/");
    const address = slash < 0 ? entry : entry.slice(0, slash);
    const bits = slash < 0 ? null : Number(entry.slice(slash + 1));
    const family = isIP(address);
    const maxBits = family === 4 ? 32 : 128;
    if (!family || (bits !== null && !(Number.isInteger(bits) && bits >= 0 && bits <= maxBits)))
      throw new Error(`${name}: "${entry}" is not an IP address or a CIDR range such as 10.0.0.0/8.`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === null) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return {
    trusts(address) {
      const plain = plainAddress(address);
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

const headerValues = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value.join(",") : (value ?? ""))
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

export interface ClientInfo {
  /** The client's address: the peer's, or what trusted proxies forwarded. */
  address: string;
  /** Whether the client reached us over HTTPS: a TLS socket, or a trusted proxy that says so. */
  secure: boolean;
}

/**
 * Who sent a request. X-Forwarded-For is read from the right: each trusted hop vouches for the one
 * before it, and the first address no trusted proxy stands for is the client (so a client cannot
 * choose its address by sending the header itself).
 */
export function clientInfo(req: Pick<IncomingMessage, "headers" | "socket">, trust: ForwardingTrust): ClientInfo {
  const peer = plainAddress(req.socket.remoteAddress ?? "");
  const tls = (req.socket as Partial<TLSSocket>).encrypted === true;
  if (!trust.trusts(peer)) return { address: peer, secure: tls };
  let address = peer;
  for (const hop of headerValues(req.headers["x-forwarded-for"]).reverse()) {
    const candidate = plainAddress(hop);
    if (!isIP(candidate)) break;
    address = candidate;
    if (!trust.trusts(candidate)) break;
  }
  const proto = headerValues(req.headers["x-forwarded-proto"]).at(-1)?.toLowerCase();
  return { address, secure: tls || proto === "https" };
}
