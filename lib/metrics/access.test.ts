import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { mayReadMetrics, metricsAccess } from "./access";

const TOKEN = "0123456789abcdef0123";
const request = (address: string, headers: Record<string, string> = {}) =>
  ({ socket: { remoteAddress: address }, headers }) as unknown as Pick<IncomingMessage, "headers" | "socket">;

describe("who may read /metrics", () => {
  it("nobody when neither an allowlist nor a token is set", () => {
    const access = metricsAccess({});
    expect(mayReadMetrics(request("127.0.0.1"), access)).toBe(false);
    expect(mayReadMetrics(request("127.0.0.1", { authorization: "Bearer anything-at-all-here" }), access)).toBe(false);
  });

  it("the addresses and ranges of HANGAR_METRICS_ALLOW, IPv4-mapped addresses included", () => {
    const access = metricsAccess({ HANGAR_METRICS_ALLOW: "10.0.0.0/8, ::1" });
    expect(mayReadMetrics(request("10.1.2.3"), access)).toBe(true);
    expect(mayReadMetrics(request("::ffff:10.9.9.9"), access)).toBe(true);
    expect(mayReadMetrics(request("::1"), access)).toBe(true);
    expect(mayReadMetrics(request("192.168.1.1"), access)).toBe(false);
  });

  it("judges the client behind a trusted proxy, not the proxy, and ignores X-Forwarded-For from anyone else", () => {
    const access = metricsAccess({ HANGAR_METRICS_ALLOW: "10.0.0.0/8, 127.0.0.1", HANGAR_TRUSTED_PROXIES: "127.0.0.1" });
    expect(mayReadMetrics(request("127.0.0.1", { "x-forwarded-for": "203.0.113.5" }), access)).toBe(false);
    expect(mayReadMetrics(request("127.0.0.1", { "x-forwarded-for": "10.4.4.4" }), access)).toBe(true);
    expect(mayReadMetrics(request("192.168.1.1", { "x-forwarded-for": "10.4.4.4" }), access)).toBe(false);
  });

  it("anyone with the token as a bearer token, and nobody with another", () => {
    const access = metricsAccess({ HANGAR_METRICS_TOKEN: TOKEN });
    expect(mayReadMetrics(request("203.0.113.5", { authorization: `Bearer ${TOKEN}` }), access)).toBe(true);
    expect(mayReadMetrics(request("203.0.113.5", { authorization: `bearer ${TOKEN}` }), access)).toBe(true);
    expect(mayReadMetrics(request("203.0.113.5", { authorization: `Bearer ${TOKEN}x` }), access)).toBe(false);
    expect(mayReadMetrics(request("203.0.113.5", { authorization: TOKEN }), access)).toBe(false);
    expect(mayReadMetrics(request("203.0.113.5"), access)).toBe(false);
  });

  it("refuses at start a short token and a malformed address, naming the variable", () => {
    expect(() => metricsAccess({ HANGAR_METRICS_TOKEN: "short" })).toThrow(/HANGAR_METRICS_TOKEN is 5 characters long; use at least 16/);
    expect(() => metricsAccess({ HANGAR_METRICS_ALLOW: "10.0.0.0/33" })).toThrow(/HANGAR_METRICS_ALLOW: "10.0.0.0\/33" is not an IP address/);
  });
});
