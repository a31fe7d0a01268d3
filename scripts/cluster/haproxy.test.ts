import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { engineDir, type EngineProcess, startEngine } from "../../lib/testing/engine-process";
import { freePort } from "../../lib/testing/hangar-process";

// scripts/cluster/haproxy.sh in front of two plain HTTP servers standing in for Hangar nodes.
interface Node {
  server: http.Server;
  /** Resolves when the node has received the first byte of a request body. */
  firstByte: Promise<void>;
}

function node(name: string): Node {
  let gotFirstByte = () => {};
  const firstByte = new Promise<void>((resolve) => (gotFirstByte = resolve));
  const server = http.createServer((request, response) => {
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      if (size === 0) gotFirstByte();
      size += chunk.length;
    });
    request.on("end", () => response.end(`${name} ${size}`));
  });
  return { server, firstByte };
}

const nodes = [node("a"), node("b")];
let haproxy: EngineProcess;
let dir: string;
let url: string;

beforeAll(async () => {
  for (const { server } of nodes) await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  dir = engineDir("haproxy");
  const port = await freePort();
  const backends = nodes.map(({ server }) => `127.0.0.1:${(server.address() as AddressInfo).port}`);
  haproxy = await startEngine("haproxy.sh", [dir, String(port), "--check", "/", ...backends]);
  url = haproxy.settings.HANGAR_URL;
  // Both nodes in rotation once their first health check passed.
  for (let deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
    const servedBy = await Promise.all([0, 1, 2, 3].map(async () => (await fetch(url)).headers.get("x-served-by")));
    if (new Set(servedBy).size === 2) break;
  }
});
afterAll(async () => {
  await haproxy.stop();
  for (const { server } of nodes) server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it("sends requests to the nodes in turn, on one kept-alive connection too, and names the node", async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const servedBy: string[] = [];
  for (let i = 0; i < 4; i++) {
    servedBy.push(
      await new Promise<string>((resolve, reject) =>
        http
          .get(url, { agent }, (response) => {
            response.resume();
            response.on("end", () => resolve(String(response.headers["x-served-by"])));
          })
          .on("error", reject),
      ),
    );
  }
  agent.destroy();
  expect(servedBy[0]).not.toBe(servedBy[1]);
  expect(servedBy.slice(2)).toEqual(servedBy.slice(0, 2));
});

it("streams a request body to the node as it arrives, not after its end", async () => {
  // A first piece smaller than haproxy's buffer, which http-buffer-request would hold back.
  const request = http.request(`${url}/upload`, { method: "PATCH", headers: { "content-length": String(1000 + 65536) } });
  const answered = new Promise<string>((resolve, reject) => {
    request.on("response", (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve(body));
    });
    request.on("error", reject);
  });
  request.write(Buffer.alloc(1000));
  // The rest is sent only once a node has the first half: a balancer that waited for the whole body would never answer.
  await Promise.race(nodes.map(({ firstByte }) => firstByte));
  request.end(Buffer.alloc(65536));
  expect(await answered).toMatch(/^[ab] 66536$/);
});

it("is configured for long transfers: an hour of silence, not seconds, ends a request", () => {
  const config = fs.readFileSync(`${dir}/haproxy.cfg`, "utf8");
  expect(config).toMatch(/timeout client 1h/);
  expect(config).toMatch(/timeout server 1h/);
  expect(config).not.toMatch(/http-buffer-request/);
});
