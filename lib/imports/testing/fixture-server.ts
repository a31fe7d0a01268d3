import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Certificate } from "./tls-certificates";

export interface FixtureServer {
  base: string;
  /** The Range headers each path was asked with, in order (null: none). */
  ranges: Map<string, (string | null)[]>;
  close(): Promise<void>;
}

/**
 * Serves the files of `dir` on loopback as a distribution mirror does (Content-Length, a strong ETag,
 * Range and If-Range), and a few misbehaving routes:
 * - /cut/FILE: the first request without a Range is cut (the socket destroyed) after half the file;
 * - /stall/FILE: sends half the file, then nothing until the client gives up;
 * - /chunked/FILE: no Content-Length, no Range;
 * - /to?url=URL: a redirect to URL.
 * With `tls`, over https with that certificate.
 */
export async function startFixtureServer(dir: string, tls?: Certificate): Promise<FixtureServer> {
  const ranges = new Map<string, (string | null)[]>();
  const cut = new Set<string>();
  const sockets = new Set<import("node:net").Socket>();
  const serve: http.RequestListener = (request, response) => {
    const url = new URL(request.url ?? "/", "http://fixture");
    const asked = ranges.get(url.pathname) ?? [];
    asked.push(request.headers.range ?? null);
    ranges.set(url.pathname, asked);
    if (url.pathname === "/to") return response.writeHead(302, { location: url.searchParams.get("url") ?? "/" }).end();
    const [, mode, name] = /^\/(?:(cut|stall|chunked)\/)?(.+)$/.exec(url.pathname) ?? [];
    const file = path.join(dir, decodeURIComponent(name));
    if (!name || !file.startsWith(dir) || !fs.existsSync(file)) return response.writeHead(404).end("not found");
    const { size, mtimeMs } = fs.statSync(file);
    // As web servers make it: from the size and the modification time, so that a large file costs nothing to serve.
    const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
    if (mode === "chunked") return fs.createReadStream(file).pipe(response);
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
    const honoured = range && (!request.headers["if-range"] || request.headers["if-range"] === etag);
    const start = honoured ? Number(range[1]) : 0;
    if (honoured) response.writeHead(206, { "content-length": size - start, "content-range": `bytes ${start}-${size - 1}/${size}`, etag });
    else response.writeHead(200, { "content-length": size, etag, "accept-ranges": "bytes" });
    if (mode === "cut" && !honoured && !cut.has(file)) {
      cut.add(file);
      const half = Math.floor(size / 2);
      return fs
        .createReadStream(file, { end: half - 1 })
        .on("end", () => setTimeout(() => request.socket.destroy(), 50))
        .pipe(response, { end: false });
    }
    if (mode === "stall") return fs.createReadStream(file, { end: Math.floor(size / 2) - 1 }).pipe(response, { end: false });
    fs.createReadStream(file, { start }).pipe(response);
  };
  const server = tls ? https.createServer(tls, serve) : http.createServer(serve);
  // The TCP connections (an https server's "connection" is its TCP socket too): closing destroys them all.
  server.on("connection", (socket: import("node:net").Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ranges,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
