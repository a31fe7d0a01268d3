import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type GlanceTestListener, startGlanceTestListener } from "../testing/glance-listener";
import { loggedPath } from "./access-log";

// The Glance listener's access log: a JSON line per request, as the portal writes with HANGAR_LOG_FORMAT=json.

let glance: GlanceTestListener;
const written: string[] = [];

beforeAll(async () => {
  glance = await startGlanceTestListener({ accessLog: true });
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    vi.spyOn(stream, "write").mockImplementation((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      return write(chunk, ...rest);
    });
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  await glance.close();
});

type Line = Record<string, unknown>;
const lines = (): Line[] =>
  written
    .flatMap((chunk) => chunk.split("\n"))
    .filter((line) => line.includes('"glance request"'))
    .map((line) => JSON.parse(line) as Line);
const lineOf = (requestId: string | null) => lines().find((line) => line.requestId === requestId);

describe("the Glance listener's access log", () => {
  it("writes a line per request: method, path, status, bytes, duration, client; never the token", async () => {
    const token = glance.tokens.alice;
    const listed = await fetch(`${glance.url}/v2/images?limit=2&sort_key=name&name=payroll&access_token=${token}`, { headers: { "x-auth-token": token } });
    const body = await listed.arrayBuffer();
    // Refused (Hangar filters by no access_token), and logged as any request is.
    expect(listed.status).toBe(400);
    await expect
      .poll(() => lineOf(listed.headers.get("x-request-id")))
      .toMatchObject({
        level: "info",
        method: "GET",
        path: "/v2/images?limit=2&sort_key=name&name=-&access_token=-",
        status: 400,
        client: "127.0.0.1",
      });
    const line = lineOf(listed.headers.get("x-request-id")) as Line;
    expect(line.bytesOut).toBeGreaterThan(body.byteLength);
    // The request's head: no body.
    expect(line.bytesIn).toBeGreaterThan(0);
    expect(line.bytesIn).toBeLessThan(1000);
    expect(line.ms).toEqual(expect.any(Number));
    expect(written.join("")).not.toContain(token);
  });

  it("counts the bytes a client sent, logs refusals with their status, and takes no client address from an untrusted X-Forwarded-For", async () => {
    const created = await fetch(`${glance.url}/v2/images`, {
      method: "POST",
      headers: { "x-auth-token": glance.tokens.alice, "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
      body: JSON.stringify({ name: "logged", disk_format: "raw", container_format: "bare" }),
    });
    const { id } = (await created.json()) as { id: string };
    const upload = await fetch(`${glance.url}/v2/images/${id}/file`, {
      method: "PUT",
      headers: { "x-auth-token": glance.tokens.bob, "content-type": "application/octet-stream" },
      body: new Uint8Array(1000),
    });
    await upload.arrayBuffer();
    const anonymous = await fetch(`${glance.url}/v2/images/${id}`, { method: "DELETE" });
    await anonymous.arrayBuffer();
    await expect
      .poll(() => [created, upload, anonymous].map((answer) => lineOf(answer.headers.get("x-request-id"))))
      .toEqual([
        expect.objectContaining({ method: "POST", path: "/v2/images", status: 201, client: "127.0.0.1" }),
        expect.objectContaining({ method: "PUT", path: `/v2/images/${id}/file`, status: 404 }),
        expect.objectContaining({ method: "DELETE", path: `/v2/images/${id}`, status: 401 }),
      ]);
    expect(lineOf(upload.headers.get("x-request-id"))?.bytesIn).toBeGreaterThan(1000);
    expect(written.join("")).not.toContain(glance.tokens.bob);
  });

  it("is off unless asked for (text logs)", async () => {
    const quiet = await startGlanceTestListener();
    try {
      const before = lines().length;
      const answer = await fetch(`${quiet.url}/versions`);
      await answer.arrayBuffer();
      const marker = await fetch(`${glance.url}/versions`);
      await marker.arrayBuffer();
      // The logging listener's line for the later request is written: the quiet one's would have been by then.
      await expect.poll(() => lineOf(marker.headers.get("x-request-id"))).toBeDefined();
      expect(lines().filter((line) => line.requestId === answer.headers.get("x-request-id"))).toEqual([]);
      expect(lines().length).toBe(before + 1);
    } finally {
      await quiet.close();
    }
  });
});

describe("loggedPath", () => {
  it("keeps the path and the paging and order parameters, and hides every other value", () => {
    expect(loggedPath("/v2/images/abc/file")).toBe("/v2/images/abc/file");
    expect(loggedPath("/v2/images?limit=5&marker=m1&sort=name:asc&tag=secret&os_distro=x")).toBe(
      "/v2/images?limit=5&marker=m1&sort=name%3Aasc&tag=-&os_distro=-",
    );
  });
});
