import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileWriter } from "./file-writer";
import { GuardedResponse } from "./guarded-response";

/** A server on loopback that answers each connection with `answer`'s pieces, written apart, then ends (or is cut). */
let server: net.Server;
let answer: { pieces: Buffer[]; cut?: boolean } = { pieces: [] };
const requests: string[] = [];
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "guarded-response-"));
  server = net.createServer((socket) => {
    // A client that gives up mid-answer resets the connection: that is the client's business here.
    socket.on("error", () => undefined);
    socket.once("data", (request) => {
      requests.push(request.toString("latin1"));
      void answerOn(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(() => {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function answerOn(socket: net.Socket): Promise<void> {
  for (const piece of answer.pieces) {
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (answer.cut) socket.destroy();
  else socket.end();
}

const get = (headers: Record<string, string> = {}) =>
  GuardedResponse.get(new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/a/b?c=d`), {
    headers,
    lookup: (host, options, callback) => net.isIP(host) && callback(null, host, 4),
    peerRefusal: () => null,
    idleTimeoutMs: 5000,
  });

/** The body poured through a FileWriter into a file, with its first bytes peeked first. */
async function intoFile(response: GuardedResponse): Promise<Buffer> {
  const file = path.join(dir, `body-${requests.length}`);
  const handle = await fsp.open(file, "w");
  const writer = new FileWriter(handle.fd, 0, (error) => response.destroy(error));
  try {
    await response.peek(600);
    await response.bodyInto(writer);
    await writer.finish();
  } finally {
    await handle.close();
  }
  return fs.readFileSync(file);
}

/** `body` in chunked coding, chunks of `size` bytes, with an extension and a trailer. */
const chunked = (body: Buffer, size: number) => {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const chunk = body.subarray(at, at + size);
    parts.push(Buffer.from(`${chunk.length.toString(16)};x=y\r\n`), chunk, Buffer.from("\r\n"));
  }
  return Buffer.concat([...parts, Buffer.from("0\r\nX-Trailer: 1\r\n\r\n")]);
};

/** A response's bytes in pieces of `size`, so that reads end mid-line and mid-chunk. */
const pieces = (bytes: Buffer, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

describe("a guarded GET's response", () => {
  it("sends a plain GET and pours a Content-Length body of 9 MiB into a file, byte for byte, after a peek", async () => {
    const body = randomBytes(9 << 20);
    answer = { pieces: [Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nETag: "e"\r\n\r\n`), ...pieces(body, 300_000)] };
    const response = await get({ Range: "bytes=0-" });
    expect([response.statusCode, response.headers.etag]).toEqual([200, '"e"']);
    expect((await intoFile(response)).equals(body)).toBe(true);
    const port = (server.address() as net.AddressInfo).port;
    expect(requests.at(-1)).toBe(`GET /a/b?c=d HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nRange: bytes=0-\r\n\r\n`);
  });

  it("takes a chunked body's framing out, into a file and as a stream, wherever the reads end", async () => {
    const body = randomBytes(3 << 20);
    const wire = Buffer.concat([Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked(body, 100_003)]);
    answer = { pieces: pieces(wire, 65_537) };
    expect((await intoFile(await get())).equals(body)).toBe(true);
    answer = { pieces: pieces(wire, 7_777) };
    const chunks: Buffer[] = [];
    for await (const chunk of await get()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(body)).toBe(true);
  });

  it("takes a connection that ends before the Content-Length for a cut to resume from, keeping what arrived", async () => {
    answer = { pieces: [Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n"), randomBytes(1000)], cut: true };
    const response = await get();
    const file = path.join(dir, "cut");
    const handle = await fsp.open(file, "w");
    const writer = new FileWriter(handle.fd, 0, (error) => response.destroy(error));
    await expect(response.bodyInto(writer)).rejects.toMatchObject({ kind: "network", retry: true });
    await writer.finish();
    await handle.close();
    expect(fs.statSync(file).size).toBe(1000);
  });

  it("refuses a head too long, a malformed one, and a header value that would split the request", async () => {
    answer = { pieces: [Buffer.from(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(70_000)}\r\n\r\n`)] };
    await expect(get()).rejects.toMatchObject({ kind: "http", message: expect.stringMatching(/more than 64 KiB of headers/) as unknown });
    answer = { pieces: [Buffer.from("SSH-2.0-OpenSSH\r\n\r\n")] };
    await expect(get()).rejects.toMatchObject({ kind: "http", message: expect.stringMatching(/status line/) as unknown });
    await expect(get({ "If-Range": '"e"\r\nX-Injected: 1' })).rejects.toMatchObject({ kind: "http", message: expect.stringMatching(/line break/) as unknown });
  });
});
