import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";

// Requests the tus endpoint refuses, against the production server: each gets a 4xx in the API's error
// shape with a message, and leaves nothing behind (no image, no upload record, no bytes in the upload area).
let hangar: HangarProcess;
let cookie: string;
beforeAll(async () => {
  hangar = await launchHangar();
  cookie = await hangar.cookie(hangar.demo);
});
afterAll(async () => {
  await hangar.close();
});

const TUS = { "tus-resumable": "1.0.0" };
const named = (name: string) => `name ${Buffer.from(name).toString("base64")}`;

async function expectNothingLeft(name: string): Promise<void> {
  expect(await hangar.db.image.count({ where: { name } })).toBe(0);
  expect(await hangar.db.upload.count()).toBe(0);
  expect(await hangar.storage.uploads()).toEqual([]);
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...error };
}

describe("a deferred length", () => {
  it("is refused at creation with 400 and what to send instead, and nothing is created", async () => {
    const response = await fetch(`${hangar.url}/api/v1/uploads`, {
      method: "POST",
      headers: { ...TUS, cookie, "upload-defer-length": "1", "upload-metadata": named("deferred") },
    });
    const refusal = await errorOf(response);
    expect([refusal.status, refusal.code]).toEqual([400, "invalid"]);
    expect(refusal.message).toContain("Upload-Length");
    await expectNothingLeft("deferred");
  });

  it("is refused on a PATCH declaring the length late, and the upload is left as it was", async () => {
    const created = await fetch(`${hangar.url}/api/v1/uploads`, {
      method: "POST",
      headers: { ...TUS, cookie, "upload-length": "100", "upload-metadata": named("declared") },
    });
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get("location") ?? "", hangar.url).toString();
    const response = await fetch(url, {
      method: "PATCH",
      headers: { ...TUS, cookie, "upload-offset": "0", "upload-length": "100", "content-type": "application/offset+octet-stream" },
      body: new Uint8Array(10),
    });
    const refusal = await errorOf(response);
    expect([refusal.status, refusal.code]).toEqual([400, "invalid"]);
    expect(refusal.message).toContain("Upload-Length");
    const head = await fetch(url, { method: "HEAD", headers: { ...TUS, cookie } });
    expect([head.status, head.headers.get("upload-offset"), head.headers.get("upload-length")]).toEqual([200, "0", "100"]);
    expect((await fetch(url, { method: "DELETE", headers: { ...TUS, cookie } })).status).toBe(204);
  });
});

describe("a creation with its first bytes (creation-with-upload)", () => {
  it("whose body is longer than Upload-Length is refused with 413, and nothing remains", async () => {
    const response = await fetch(`${hangar.url}/api/v1/uploads`, {
      method: "POST",
      headers: { ...TUS, cookie, "upload-length": "10", "upload-metadata": named("overlong"), "content-type": "application/offset+octet-stream" },
      body: new Uint8Array(20),
    });
    const refusal = await errorOf(response);
    expect([refusal.status, refusal.code]).toEqual([413, "too_large"]);
    expect(refusal.message).toContain("Upload-Length");
    await expectNothingLeft("overlong");
  });

  it("whose body, sent without a Content-Length, runs past Upload-Length is refused with 413, and nothing remains", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${hangar.url}/api/v1/uploads`, {
        method: "POST",
        headers: { ...TUS, cookie, "upload-length": String(1 << 20), "upload-metadata": named("chunked"), "content-type": "application/offset+octet-stream" },
      });
      request.on("response", (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on("error", reject);
      request.end(Buffer.alloc(3 << 20));
    });
    expect({ status: answer.status, ...(JSON.parse(answer.body) as { error: object }).error }).toMatchObject({ status: 413, code: "too_large" });
    await expectNothingLeft("chunked");
  });
});

describe("a PATCH whose image is deleted while its bytes stream in", () => {
  it("ends with 410 saying the image was deleted, and its bytes are removed", async () => {
    const created = await fetch(`${hangar.url}/api/v1/uploads`, {
      method: "POST",
      headers: { ...TUS, cookie, "upload-length": String(256 << 20), "upload-metadata": named("deleted-mid-stream") },
    });
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get("location") ?? "", hangar.url);
    const imageId = created.headers.get("hangar-image-id") ?? "";
    const id = url.pathname.split("/").pop() ?? "";

    // A slow client: 256 KiB every 50 ms until the server answers.
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(url, {
        method: "PATCH",
        headers: { ...TUS, cookie, "upload-offset": "0", "content-type": "application/offset+octet-stream", "content-length": String(256 << 20) },
      });
      let answered = false;
      const timer = setInterval(() => {
        if (!answered) request.write(Buffer.alloc(256 << 10));
      }, 50);
      request.on("response", (response) => {
        answered = true;
        clearInterval(timer);
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => {
          request.destroy();
          resolve({ status: response.statusCode ?? 0, body });
        });
      });
      request.on("error", (error) => {
        clearInterval(timer);
        if (!answered) reject(error);
      });
    });
    // On S3 the first bytes stored are a whole part (16 MiB, lib/uploads/s3-upload-store.ts): some 3 s of this client.
    await expect.poll(async () => (await hangar.storage.stagedSize(id)) ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
    const deleted = await fetch(`${hangar.url}/api/v1/images/${imageId}`, { method: "DELETE", headers: { cookie } });
    expect(deleted.status).toBe(204);

    const { status, body } = await answer;
    const { error } = JSON.parse(body) as { error: { code: string; message: string } };
    expect([status, error.code]).toEqual([410, "gone"]);
    expect(error.message).toContain("deleted");
    await expect.poll(() => hangar.storage.stagedSize(id)).toBeNull();
    await expectNothingLeft("deleted-mid-stream");
    expect(hangar.log()).not.toMatch(/upload request failed/);
  });
});

describe("an upload into a team project (the catalog's project switcher sends its id as `project`)", () => {
  it("by a viewer of the project is refused with 403 and why; into a project the user is not in, 404; nothing is created", async () => {
    const viewed = await hangar.db.project.create({
      data: { name: "Viewed by demo", nameKey: "viewed by demo", kind: "team", members: { create: { userId: hangar.demo.id, role: "viewer" } } },
    });
    const foreign = await hangar.db.project.create({ data: { name: "Not demo's", nameKey: "not demo's", kind: "team" } });
    const upload = (projectId: string, name: string) =>
      fetch(`${hangar.url}/api/v1/uploads`, {
        method: "POST",
        headers: { ...TUS, cookie, "upload-length": "100", "upload-metadata": `${named(name)},project ${Buffer.from(projectId).toString("base64")}` },
      });
    const asViewer = await errorOf(await upload(viewed.id, "viewer-upload"));
    expect([asViewer.status, asViewer.code]).toEqual([403, "forbidden"]);
    expect(asViewer.message).toMatch(/Viewers of a project can see and download its images/);
    await expectNothingLeft("viewer-upload");
    const asStranger = await errorOf(await upload(foreign.id, "stranger-upload"));
    expect([asStranger.status, asStranger.code]).toEqual([404, "not_found"]);
    await expectNothingLeft("stranger-upload");
  });
});
