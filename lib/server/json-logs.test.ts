import { afterAll, beforeAll, expect, it } from "vitest";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";

// HANGAR_LOG_FORMAT=json on the production server: every line a JSON object, each request's with its id.
let hangar: HangarProcess;
beforeAll(async () => {
  hangar = await launchHangar({ HANGAR_LOG_FORMAT: "json" });
});
afterAll(async () => {
  // Unset when beforeAll failed before the server started.
  await (hangar as HangarProcess | undefined)?.close();
});

type Line = Record<string, unknown>;
/** The server's lines from its start on (e2e-server.ts migrates and seeds before, in text). */
function lines(): Line[] {
  const output = hangar.log();
  const start = output.split("\n").findIndex((line) => line.includes("Hangar is listening on"));
  return output
    .split("\n")
    .slice(start)
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Line);
}

it("writes every line as JSON, the start's included", () => {
  expect(lines()[0]).toMatchObject({ level: "info", msg: expect.stringContaining("Hangar is listening on") as unknown });
});

it("answers with the balancer's request id, and logs the request under it", async () => {
  const response = await fetch(`${hangar.url}/healthz`, { headers: { "x-request-id": "lb-42" } });
  expect(response.headers.get("x-request-id")).toBe("lb-42");
  await expect.poll(() => lines().find((line) => line.requestId === "lb-42")).toMatchObject({ msg: "request", method: "GET", path: "/healthz", status: 200 });
});

it("makes an id when none came, and the lines of one upload carry its id, request after request", async () => {
  const created = await fetch(`${hangar.url}/api/v1/uploads`, {
    method: "POST",
    headers: {
      "tus-resumable": "1.0.0",
      cookie: await hangar.cookie(hangar.demo),
      "upload-length": "1048576",
      "upload-metadata": `name ${Buffer.from("logged").toString("base64")},filename ${Buffer.from("logged.qcow2").toString("base64")}`,
    },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const generated = created.headers.get("x-request-id") ?? "";
  expect(generated).toMatch(/^[0-9a-f-]{36}$/);
  const uploadId = (created.headers.get("location") ?? "").split("/").pop() ?? "";
  for (const id of ["head-1", "head-2"]) {
    const head = await fetch(`${hangar.url}/api/v1/uploads/${uploadId}`, {
      method: "HEAD",
      headers: { "tus-resumable": "1.0.0", cookie: await hangar.cookie(hangar.demo), "x-request-id": id },
    });
    expect(head.status).toBe(200);
  }
  await expect.poll(() => lines().find((line) => line.requestId === generated)).toMatchObject({ path: "/api/v1/uploads", status: 201 });
  await expect
    .poll(() =>
      lines()
        .filter((line) => line.uploadId === uploadId)
        .map((line) => [line.requestId, line.method, line.status]),
    )
    .toEqual([
      ["head-1", "HEAD", 200],
      ["head-2", "HEAD", 200],
    ]);
});
