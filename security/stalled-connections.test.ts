import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionId } from "../lib/testing/server-actions";
import { startHangarServer, type HangarServer } from "../lib/testing/hangar-server";
import { holdConnection, requestHead, settled, within } from "../lib/testing/raw-connection";

// A client that sends headers and a few body bytes, then nothing, held its connection
// (and for a tus PATCH, its upload's lock) for ever. Short limits here, so that each cut comes in seconds.

const LIMITS = {
  HANGAR_HEADERS_TIMEOUT: "2s",
  HANGAR_BODY_TIMEOUT: "2s",
  HANGAR_UPLOAD_IDLE_TIMEOUT: "3s",
  HANGAR_MAX_CONNECTIONS_PER_ADDRESS: "40",
};
// Long enough for any of the limits above to have struck, however loaded the machine.
const PATIENCE = 20_000;

let server: HangarServer;
let token: string;
beforeAll(async () => {
  server = await startHangarServer(LIMITS);
  token = (await server.token(server.demo)).secret;
}, 180_000);
afterAll(async () => {
  await server.close();
});

const STILL_OPEN = "still open";

describe("a request body that stops coming", () => {
  const cases = (): { what: string; path: string; headers: Record<string, string>; first: string; api: boolean }[] => [
    {
      what: "sign-in",
      path: "/api/auth/callback/credentials",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      first: "csrfToken=",
      api: false,
    },
    {
      what: "a server action",
      path: "/images",
      headers: { "next-action": actionId("renameAction"), "content-type": "text/plain;charset=UTF-8" },
      first: '["',
      api: false,
    },
    {
      what: "an API route",
      path: "/api/v1/images/some-id",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      first: '{"name":',
      api: true,
    },
  ];

  it("is cut with a 408 once the body deadline passes: sign-in, a server action, an API route", async () => {
    for (const { what, path, headers, first, api } of cases()) {
      const method = api ? "PATCH" : "POST";
      const held = holdConnection(server.url, requestHead(method, path, server.url, { ...headers, "content-length": 100_000 }) + first);
      const answer = await within(held.closed, PATIENCE, STILL_OPEN);
      expect(answer, what).toMatch(/^HTTP\/1\.1 408 /);
      if (api) expect(answer, what).toMatch(/\{"error":\{"code":"timeout","message":"[^"]+"/);
    }
  });
});

describe("headers", () => {
  it("still arriving after the header deadline are cut", async () => {
    const held = holdConnection(server.url, `GET /signin HTTP/1.1\r\nhost: ${new URL(server.url).host}\r\n`);
    let lines = 0;
    const trickle = setInterval(() => {
      if (!held.isClosed()) held.socket.write(`x-slow-${(lines += 1)}: a\r\n`);
    }, 300);
    const answer = await within(held.closed, PATIENCE, STILL_OPEN);
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe("a tus PATCH that receives no byte for the idle time", () => {
  it("is ended: the bytes that arrived are kept, the lock is free, and the upload resumes from there at once", async () => {
    const length = 4 << 20;
    const bytes = Buffer.alloc(length, 7);
    const headers = { authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" };
    const created = await fetch(`${server.url}/api/v1/uploads`, {
      method: "POST",
      headers: { ...headers, "upload-length": String(length), "upload-metadata": `name ${Buffer.from("stalled-upload").toString("base64")}` },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get("location") ?? "";
    const sent = 1 << 20;
    const head = requestHead("PATCH", location, server.url, {
      ...headers,
      "upload-offset": 0,
      "content-type": "application/offset+octet-stream",
      "content-length": length,
    });
    const held = holdConnection(server.url, Buffer.concat([Buffer.from(head), bytes.subarray(0, sent)]));
    expect(await within(held.closed, PATIENCE, STILL_OPEN)).not.toBe(STILL_OPEN);

    const offset = await fetch(`${server.url}${location}`, { method: "HEAD", headers });
    expect(offset.headers.get("upload-offset")).toBe(String(sent));
    const rest = await fetch(`${server.url}${location}`, {
      method: "PATCH",
      headers: { ...headers, "upload-offset": String(sent), "content-type": "application/offset+octet-stream" },
      body: bytes.subarray(sent),
    });
    expect(rest.status, await rest.clone().text()).toBe(204);
    const imageId = rest.headers.get("hangar-image-id") ?? "";
    expect((await server.db.image.findUniqueOrThrow({ where: { id: imageId } })).status).not.toBe("uploading");
  });
});

describe("connections per client address", () => {
  it("are capped; another address is served as usual", async () => {
    const crowd = Array.from({ length: 60 }, () => holdConnection(server.url, "", "127.0.0.9"));
    await settled(crowd);
    // The server has had each connection's arrival in hand by the time a request from elsewhere is answered.
    const other = await fetch(`${server.url}/signin`);
    expect(other.status).toBe(200);
    expect(crowd.filter((connection) => !connection.isClosed()).length).toBeLessThanOrEqual(40);
    for (const connection of crowd) connection.socket.destroy();
  });
});

describe("the log", () => {
  it("says what was cut in a summary line, without a stack", () => {
    const log = server.log();
    expect(log).toMatch(/connections cut in the last 10 s: .*\d+ timeout/);
    expect(log).not.toMatch(/^\s+at /m);
    expect(log).not.toMatch(/⨯|digest:/);
  });
});
