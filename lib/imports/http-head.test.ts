import { describe, expect, it } from "vitest";
import { BodyFraming } from "./body-framing";
import { framingOf, parseHead } from "./http-head";

describe("a response head", () => {
  it("gives the status, its message and the headers by lower-case name, repeated ones joined", () => {
    const head = parseHead('HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-9/10\r\nETag: "a"\r\nVia: x\r\nvia: y');
    expect(head).toEqual({ statusCode: 206, statusMessage: "Partial Content", headers: { "content-range": "bytes 5-9/10", etag: '"a"', via: "x, y" } });
  });

  it.each([
    ["no status line", "HTTP/2 200 OK"],
    ["a folded header", "HTTP/1.1 200 OK\r\nA: b\r\n c"],
    ["a space before the colon", "HTTP/1.1 200 OK\r\nContent-Length : 5"],
    ["no colon", "HTTP/1.1 200 OK\r\nnonsense"],
  ])("refuses %s", (_, text) => {
    expect(() => parseHead(text)).toThrow(/not valid HTTP\/1\.1/);
  });

  it("frames the body by chunked coding first, then one Content-Length, else the connection's end", () => {
    const framing = (lines: string) => framingOf(parseHead(`HTTP/1.1 200 OK${lines}`));
    expect(framing("\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 5")).toEqual({ kind: "chunked" });
    expect(framing("\r\nContent-Length: 5, 5")).toEqual({ kind: "length", length: 5 });
    expect(framing("")).toEqual({ kind: "close" });
    expect(() => framing("\r\nContent-Length: 5, 6")).toThrow(/Content-Length/);
    expect(() => framing("\r\nContent-Length: -1")).toThrow(/Content-Length/);
  });
});

/** The body `framing` finds in `wire`, delivered in reads of `size` bytes. */
function body(framing: BodyFraming, wire: string, size: number): string {
  let out = "";
  for (let at = 0; at < wire.length; at += size) framing.take(Buffer.from(wire.slice(at, at + size), "latin1"), (data) => (out += data.toString("latin1")));
  return out;
}

describe("a body's framing", () => {
  const chunked = "5;ext=1\r\nhello\r\n1\r\n \r\nC\r\nworld, again\r\n0\r\nTrailer: x\r\n\r\nNEXT RESPONSE";

  it.each([1, 2, 3, 7, 1000])("takes a chunked body's data out of reads of %i bytes, and stops after the trailers", (size) => {
    const framing = new BodyFraming({ kind: "chunked" });
    expect(body(framing, chunked, size)).toBe("hello world, again");
    expect(framing.done).toBe(true);
  });

  it("stops at the Content-Length, and takes an earlier end of the connection for a cut to resume from", () => {
    const whole = new BodyFraming({ kind: "length", length: 5 });
    expect(body(whole, "hello and more", 3)).toBe("hello");
    expect(whole.done).toBe(true);
    const short = new BodyFraming({ kind: "length", length: 10 });
    expect(body(short, "hello", 2)).toBe("hello");
    expect(() => short.end()).toThrow(expect.objectContaining({ kind: "network", retry: true }) as Error);
  });

  it("cuts a chunked body that ends before its last chunk, and refuses a malformed one", () => {
    const cut = new BodyFraming({ kind: "chunked" });
    body(cut, "5\r\nhel", 2);
    expect(() => cut.end()).toThrow(/before the end/);
    expect(() => body(new BodyFraming({ kind: "chunked" }), "zz\r\n", 4)).toThrow(/chunk size "zz"/);
    expect(() => body(new BodyFraming({ kind: "chunked" }), "2\r\nabXY\r\n", 8)).toThrow(/no CRLF/);
    expect(() => body(new BodyFraming({ kind: "chunked" }), "1".repeat(5000), 100)).toThrow(/too long/);
  });

  it("reads a body with neither to the connection's end", () => {
    const framing = new BodyFraming({ kind: "close" });
    expect(body(framing, "all of it", 4)).toBe("all of it");
    framing.end();
    expect(framing.done).toBe(true);
  });
});
