import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { clientInfo, parseTrustedProxies } from "./forwarding";

const request = (peer: string, headers: Record<string, string> = {}, encrypted = false) => ({
  headers,
  socket: { remoteAddress: peer, encrypted } as unknown as Socket,
});

describe("HANGAR_TRUSTED_PROXIES", () => {
  it("takes addresses and CIDR ranges of both families, and refuses anything else by name", () => {
    const trust = parseTrustedProxies(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8, ::1");
    expect(["10.200.0.1", "::ffff:10.1.2.3", "192.0.2.7", "fd12::1", "::1"].map((address) => trust.trusts(address))).toEqual([true, true, true, true, true]);
    expect(["11.0.0.1", "192.0.2.8", "fe80::1", "not-an-ip"].map((address) => trust.trusts(address))).toEqual([false, false, false, false]);
    for (const bad of ["10.0.0.0/33", "localhost", "10.0.0.0/x", "::1/129"]) expect(() => parseTrustedProxies(bad)).toThrow(`"${bad}"`);
    expect(parseTrustedProxies(undefined).trusts("127.0.0.1")).toBe(false);
  });
});

describe("who the client is", () => {
  const trust = parseTrustedProxies("10.0.0.0/8");

  it("is the peer when the peer is not a trusted proxy, whatever the headers say", () => {
    expect(clientInfo(request("198.51.100.1", { "x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https" }), trust)).toEqual({
      address: "198.51.100.1",
      secure: false,
    });
    expect(clientInfo(request("::ffff:198.51.100.1", {}, true), trust)).toEqual({ address: "198.51.100.1", secure: true });
  });

  it("is read from the right of X-Forwarded-For through trusted hops, so a prepended address is not believed", () => {
    const chain = { "x-forwarded-for": "6.6.6.6, 203.0.113.5, 10.0.0.2", "x-forwarded-proto": "http, https" };
    expect(clientInfo(request("10.0.0.1", chain), trust)).toEqual({ address: "203.0.113.5", secure: true });
    // Every hop trusted: the leftmost is the client.
    expect(clientInfo(request("10.0.0.1", { "x-forwarded-for": "10.0.0.9" }), trust).address).toBe("10.0.0.9");
    // A hop that is not an address ends the walk at the last one that was.
    expect(clientInfo(request("10.0.0.1", { "x-forwarded-for": "203.0.113.5, garbage" }), trust).address).toBe("10.0.0.1");
  });
});
