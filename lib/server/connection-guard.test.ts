import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { holdConnection, requestHead, settled, within } from "../testing/raw-connection";
import { parseTrustedProxies } from "../http/forwarding";
import { createGuardedServer, type ConnectionGuard } from "./connection-guard";
import { type ConnectionLimits, connectionLimits, defaultMaxConnections, openFileLimit } from "./connection-limits";

// The guard on a plain HTTP server, with limits of a few seconds: what it cuts, what it keeps, and whom it
// makes room for. (security/stalled-connections.test.ts drives the same against the production server.)

const LIMITS: ConnectionLimits = {
  headersTimeoutMs: 2000,
  bodyTimeoutMs: 2000,
  transferIdleMs: 2000,
  keepAliveTimeoutMs: 5000,
  maxConnectionsPerAddress: 1000,
  maxConnections: 1000,
};
const PATIENCE = 15_000;
const OPEN = "still open";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers after reading the body; /slow answers 3 s after that; /transfer/lazy reads its body only after 4 s; /refuse answers at once. */
function handler(req: IncomingMessage, res: ServerResponse) {
  const answer = () => res.end("done");
  if (req.url === "/refuse") {
    res.end("no");
    return;
  }
  const read = () => {
    req.resume();
    req.on("end", () => (req.url === "/slow" ? setTimeout(answer, 3000) : answer()));
  };
  if (req.url === "/transfer/lazy") setTimeout(read, 4000);
  else read();
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function start(limits: Partial<ConnectionLimits> = {}, trusted = ""): Promise<{ url: string; guard: ConnectionGuard }> {
  const { server, guard } = createGuardedServer(
    { ...LIMITS, ...limits },
    { trust: parseTrustedProxies(trusted), kindOf: (req) => ((req.url ?? "").startsWith("/transfer") ? "transfer" : "request") },
    handler,
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, guard };
}

// Connection: close, so that an answered connection closes at once rather than after the keep-alive time.
const post = (url: string, path: string, length: number, first = "") =>
  holdConnection(url, requestHead("POST", path, url, { "content-length": length, connection: "close" }) + first);

describe("deadlines", () => {
  it("a body that trickles a byte at a time is still cut at its deadline, with a 408", async () => {
    const { url, guard } = await start();
    const held = post(url, "/form", 100, "a");
    const trickle = setInterval(() => held.isClosed() || held.socket.write("b"), 300);
    const answer = await within(held.closed, PATIENCE, OPEN);
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408 .*\r\n\r\nThe request's body did not arrive within 2 seconds/s);
    expect(guard.stats().timeout).toBe(1);
  });

  it("a request answered before its body came (a refusal) is still held to the body deadline", async () => {
    // Keep-alive longer than the test's patience: only the body deadline can end this connection.
    const { url, guard } = await start({ keepAliveTimeoutMs: 60_000 });
    const held = holdConnection(url, requestHead("POST", "/refuse", url, { "content-length": 100 }) + "a");
    expect(await within(held.closed, PATIENCE, OPEN)).toMatch(/^HTTP\/1\.1 200 [^]*no$/);
    expect(guard.stats().timeout).toBe(1);
  });

  it("an API request's 408 is in the API's error shape", async () => {
    const { url } = await start();
    const answer = await within(post(url, "/api/v1/images/x", 100, "{").closed, PATIENCE, OPEN);
    expect(answer).toMatch(
      /^HTTP\/1\.1 408 [^]*\r\n\r\n\{"error":\{"code":"timeout","message":"The request's body did not arrive within 2 seconds\. Send it again\."\}\}$/,
    );
  });

  it("a transfer is not held to the body deadline while bytes move, and is ended once they stop", async () => {
    const { url, guard } = await start();
    const moving = post(url, "/transfer/up", 1 << 20, "x");
    const feed = setInterval(() => moving.isClosed() || moving.socket.write("x".repeat(100)), 200);
    const stalled = post(url, "/transfer/up", 1 << 20, "x");
    expect(await within(stalled.closed, PATIENCE, OPEN)).toBe("");
    // The stalled one is gone after the idle time, and the moving one, older than the body deadline, is not.
    expect(moving.isClosed()).toBe(false);
    clearInterval(feed);
    expect(await within(moving.closed, PATIENCE, OPEN)).toBe("");
    // Each cut once, and neither kept in the guard's books once gone (their responses close after their sockets).
    await expect.poll(() => guard.stats().open).toBe(0);
    expect(guard.stats().idle).toBe(2);
  });

  it("a transfer whose server is the slow one (not reading yet) is not cut for idling", async () => {
    const { url, guard } = await start();
    const body = Buffer.alloc(8 << 20, 1);
    const held = holdConnection(
      url,
      Buffer.concat([Buffer.from(requestHead("POST", "/transfer/lazy", url, { "content-length": body.length, connection: "close" })), body]),
    );
    expect(await within(held.closed, PATIENCE, OPEN)).toMatch(/^HTTP\/1\.1 200 [^]*done$/);
    expect(guard.stats().idle).toBe(0);
  });

  it("headers that never complete get Node's 408 at the header deadline", async () => {
    const { url } = await start();
    const held = holdConnection(url, "GET / HTTP/1.1\r\nhost: x\r\n");
    const trickle = setInterval(() => held.isClosed() || held.socket.write("x-more: 1\r\n"), 300);
    expect(await within(held.closed, PATIENCE, OPEN)).toMatch(/^HTTP\/1\.1 408 /);
    clearInterval(trickle);
  });
});

describe("caps", () => {
  it("at the server's cap, a new connection takes the place of the one stalled longest; a request being answered is kept", async () => {
    const { url, guard } = await start({ maxConnections: 4 });
    const answered = post(url, "/slow", 1, "z");
    await sleep(300);
    const idle = [holdConnection(url, ""), holdConnection(url, ""), holdConnection(url, "")];
    await settled(idle);
    await sleep(300);
    const response = await fetch(`${url}/form`, { method: "POST", body: "hello" });
    expect(await response.text()).toBe("done");
    // The oldest idle connection made room; the request being answered (older still) was kept and answered.
    expect(idle.map((connection) => connection.isClosed())).toEqual([true, false, false]);
    expect(await within(answered.closed, PATIENCE, OPEN)).toMatch(/^HTTP\/1\.1 200 [^]*done$/);
    expect(guard.stats()).toMatchObject({ evicted: 1, refused: 0 });
    for (const connection of idle) connection.socket.destroy();
  });

  it("when every connection is a request being answered, a new one is refused", async () => {
    const { url, guard } = await start({ maxConnections: 2 });
    const answered = [post(url, "/slow", 1, "z"), post(url, "/slow", 1, "z")];
    await sleep(500);
    const late = holdConnection(url, requestHead("GET", "/", url, {}));
    expect(await within(late.closed, PATIENCE, OPEN)).toBe("");
    for (const connection of answered) expect(await within(connection.closed, PATIENCE, OPEN)).toMatch(/done$/);
    expect(guard.stats().refused).toBe(1);
  });

  it("one address holds at most its cap, making room among its own stalled connections; a trusted proxy is not capped", async () => {
    const { url } = await start({ maxConnectionsPerAddress: 3 }, "127.0.0.3");
    const crowd = Array.from({ length: 8 }, () => holdConnection(url, "", "127.0.0.2"));
    const proxied = Array.from({ length: 8 }, () => holdConnection(url, "", "127.0.0.3"));
    await settled([...crowd, ...proxied]);
    await sleep(300);
    expect(crowd.filter((connection) => !connection.isClosed())).toHaveLength(3);
    expect(proxied.filter((connection) => !connection.isClosed())).toHaveLength(8);
    // Another address is not affected by the crowd.
    expect(await (await fetch(`${url}/form`, { method: "POST", body: "x" })).text()).toBe("done");
    for (const connection of [...crowd, ...proxied]) connection.socket.destroy();
  });
});

describe("configuration", () => {
  it("reads durations and counts, and stops at start on a value it cannot read, naming the variable", () => {
    const limits = connectionLimits({ HANGAR_UPLOAD_IDLE_TIMEOUT: "90", HANGAR_BODY_TIMEOUT: "1m", HANGAR_MAX_CONNECTIONS_PER_ADDRESS: "64" }, 20_000);
    expect(limits).toEqual({
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 60_000,
      transferIdleMs: 90_000,
      keepAliveTimeoutMs: 5_000,
      maxConnectionsPerAddress: 64,
      maxConnections: 18_000,
    });
    expect(() => connectionLimits({ HANGAR_HEADERS_TIMEOUT: "soon" })).toThrow('HANGAR_HEADERS_TIMEOUT="soon" is not a duration such as 10s.');
    expect(() => connectionLimits({ HANGAR_MAX_CONNECTIONS: "0" })).toThrow("HANGAR_MAX_CONNECTIONS");
  });

  it("leaves a tenth of the open-file limit to files, and reads the limit from /proc where there is one", () => {
    expect([defaultMaxConnections(1024), defaultMaxConnections(20_000), defaultMaxConnections(1 << 20), defaultMaxConnections(null)]).toEqual([
      921, 18_000, 50_000, 921,
    ]);
    expect(openFileLimit("/no/such/file")).toBeNull();
    if (process.platform === "linux") expect(openFileLimit()).toBeGreaterThan(0);
  });
});
