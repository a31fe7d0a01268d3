import dns from "node:dns/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AddressClass, forbiddenClass } from "./addresses";
import { allowlistSchema, DEFAULT_IMPORT_CONFIG, importConfig } from "./config";
import { ImportFailure } from "./errors";
import { guardedLookup, openUrl, parseImportUrl, refusalFor } from "./guarded-http";

/** One address of every class an import must not reach by default, in the forms an attacker would write it. */
const FORBIDDEN: [string, AddressClass][] = [
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["10.0.0.1", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["100.64.0.1", "shared"],
  ["169.254.169.254", "link-local"],
  ["169.254.0.1", "link-local"],
  ["192.0.0.8", "reserved"],
  ["192.0.2.1", "documentation"],
  ["198.18.0.1", "benchmarking"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.255", "broadcast"],
  ["::", "unspecified"],
  ["::1", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::ffff:169.254.169.254", "link-local"],
  ["::ffff:10.1.2.3", "private"],
  ["64:ff9b::a9fe:a9fe", "link-local"],
  ["2002:7f00:1::1", "loopback"],
  ["::127.0.0.1", "ipv4-compatible"],
  ["fc00::1", "unique-local"],
  ["fd12:3456:789a::1", "unique-local"],
  ["fe80::1", "link-local"],
  ["fe80::1%lo", "link-local"],
  ["fec0::1", "site-local"],
  ["ff02::1", "multicast"],
  ["2001:db8::1", "documentation"],
  ["100::1", "discard"],
  ["2001:0:4136:e378::1", "teredo"],
  ["64:ff9b:1::1", "nat64-local"],
];

const PUBLIC = ["1.1.1.1", "8.8.8.8", "151.101.2.132", "172.32.0.1", "169.255.0.1", "2a04:4e42::644", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"];

const off = { ...DEFAULT_IMPORT_CONFIG, allow: [] };

describe("addresses an import may not reach", () => {
  it.each(FORBIDDEN)("%s is %s", (address, kind) => {
    expect(forbiddenClass(address)).toBe(kind);
  });

  it.each(PUBLIC)("%s is public", (address) => {
    expect(forbiddenClass(address)).toBeNull();
  });

  it.each(FORBIDDEN)("a URL to %s (%s) is refused before any connection with the allowlist off", async (address) => {
    const host = address.includes(":") ? `[${address.replace(/%.*/, "")}]` : address;
    const url = parseImportUrl(`http://${host}:9/disk.qcow2`);
    expect(url).toBeInstanceOf(URL);
    const error = await openUrl(url as URL, { config: off }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFailure);
    expect((error as ImportFailure).kind).toBe("forbidden");
    expect((error as ImportFailure).message).toMatch(/HANGAR_IMPORT_ALLOW/);
  });

  it("a name is checked by what it resolves to when the socket connects", async () => {
    const lookup = guardedLookup([]);
    const error = await new Promise((resolve) => lookup("localhost", { all: true }, (e) => resolve(e)));
    expect(error).toBeInstanceOf(ImportFailure);
    expect((error as ImportFailure).message).toMatch(/localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    const addressOfLocalhost = (await dns.lookup("localhost")).address;
    const allowed = guardedLookup(allowlistSchema.parse("localhost"));
    const answer = await new Promise<unknown>((resolve) => allowed("localhost", { all: true }, (e, addresses) => resolve(e ?? addresses)));
    expect((answer as { address: string }[]).map(({ address }) => address)).toContain(addressOfLocalhost);
  });

  it("the allowlist lifts the refusal by host (exact or *.suffix) or by block", () => {
    const allow = allowlistSchema.parse("mirror.lab, *.internal.example 10.0.0.0/8,fd00::/8, 127.0.0.1");
    expect(refusalFor(allow, "mirror.lab", "192.168.1.5")).toBeNull();
    expect(refusalFor(allow, "a.b.internal.example", "172.16.0.1")).toBeNull();
    expect(refusalFor(allow, "internal.example", "172.16.0.1")).toMatch(/private/);
    expect(refusalFor(allow, "x", "10.9.8.7")).toBeNull();
    expect(refusalFor(allow, "x", "::ffff:10.9.8.7")).toBeNull();
    expect(refusalFor(allow, "x", "fd00::5")).toBeNull();
    expect(refusalFor(allow, "x", "127.0.0.1")).toBeNull();
    expect(refusalFor(allow, "x", "127.0.0.2")).toMatch(/loopback/);
    expect(refusalFor(allow, "x", "169.254.169.254")).toMatch(/link-local/);
  });

  it("reads HANGAR_IMPORT_ALLOW and refuses what is neither a host nor a block", () => {
    expect(importConfig({ HANGAR_IMPORT_ALLOW: "10.0.0.0/8 mirror.lab" }).allow).toHaveLength(2);
    expect(() => importConfig({ HANGAR_IMPORT_ALLOW: "10.0.0.0/33" })).toThrow(/HANGAR_IMPORT_ALLOW: "10.0.0.0\/33" is neither/);
    expect(() => importConfig({ HANGAR_IMPORT_ALLOW: "http://x/" })).toThrow(/HANGAR_IMPORT_ALLOW/);
    expect(() => importConfig({ HANGAR_IMPORT_MAX_REDIRECTS: "many" })).toThrow(/HANGAR_IMPORT_MAX_REDIRECTS/);
    expect(importConfig({}).allow).toEqual([]);
  });

  it("takes only http and https URLs without credentials", () => {
    expect(parseImportUrl("file:///etc/passwd")).toMatch(/Only http and https/);
    expect(parseImportUrl("gopher://x/")).toMatch(/Only http and https/);
    expect(parseImportUrl("https://user:pw@example.org/x")).toMatch(/no user name/);
    expect(parseImportUrl("not a url")).toMatch(/is not a URL/);
    expect(parseImportUrl("https://example.org/disk.qcow2")).toBeInstanceOf(URL);
  });
});

describe("redirects", () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const target = new URL(request.url ?? "/", "http://x").searchParams.get("to");
      if (target) response.writeHead(302, { location: target }).end();
      else if (request.url === "/loop") response.writeHead(301, { location: "/loop" }).end();
      else response.writeHead(200, { "content-length": "2" }).end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.2", resolve));
    base = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const config = { ...DEFAULT_IMPORT_CONFIG, allow: allowlistSchema.parse("127.0.0.2/32") };
  const open = (path: string) => openUrl(new URL(base + path), { config }).catch((e: unknown) => e as ImportFailure);

  it("follows an allowed one", async () => {
    const opened = await openUrl(new URL(`${base}/?to=/file`), { config });
    expect(opened.url.pathname).toBe("/file");
    opened.response.destroy();
  });

  it.each([
    ["the metadata service", "http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 is a link-local address/],
    ["a name that resolves to loopback", "http://localhost:1/", /localhost \(.*\) is a loopback address/],
    ["another loopback address", "http://127.0.0.1:1/", /127\.0\.0\.1 is a loopback address/],
    ["IPv6 loopback", "http://[::1]:1/", /::1 is a loopback address/],
    ["a private address", "http://10.0.0.1/", /private/],
    ["a file URL", "file:///etc/passwd", /redirected to a URL imports may not follow/],
  ])("refuses one to %s", async (_, target, message) => {
    const error = await open(`/?to=${encodeURIComponent(target)}`);
    expect(error).toBeInstanceOf(ImportFailure);
    expect((error as ImportFailure).message).toMatch(message);
  });

  it("stops after the configured number", async () => {
    expect(((await open("/loop")) as ImportFailure).message).toMatch(/redirected more than 5 times/);
  });
});
