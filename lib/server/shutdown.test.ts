import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";

// A graceful shutdown of the production server (lib/server/shutdown.ts) in the middle of an upload: SIGTERM turns
// /readyz to 503 while the node still serves (HANGAR_SHUTDOWN_DELAY), then requests in flight get the grace period
// (HANGAR_SHUTDOWN_GRACE), then the process exits 0 of itself; the upload completes, there or after a restart.
const SIZE = 6 * 1024 * 1024 + 4321;
const source = randomBytes(SIZE);
const sourceSha256 = createHash("sha256").update(source).digest("hex");
const TUS = { "tus-resumable": "1.0.0" };
const b64 = (text: string) => Buffer.from(text).toString("base64");

let hangar: HangarProcess;
beforeAll(async () => {
  hangar = await launchHangar({ HANGAR_SHUTDOWN_DELAY: "3s", HANGAR_SHUTDOWN_GRACE: "2s" });
});
afterAll(async () => {
  await (hangar as HangarProcess | undefined)?.close();
});

async function createUpload(name: string): Promise<{ url: string; id: string; imageId: string }> {
  const response = await fetch(`${hangar.url}/api/v1/uploads`, {
    method: "POST",
    headers: {
      ...TUS,
      cookie: await hangar.cookie(hangar.demo),
      "upload-length": String(SIZE),
      "upload-metadata": `filename ${b64("disk.raw")},name ${b64(name)}`,
    },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const location = response.headers.get("location") ?? "";
  return { url: new URL(location, hangar.url).toString(), id: location.split("/").pop() ?? "", imageId: response.headers.get("hangar-image-id") ?? "" };
}

/** A PATCH whose body the test writes piece by piece, as a slow client sends it; `answer` settles with the status, or the error of a cut connection. */
async function streamingPatch(url: string, offset: number) {
  const request = http.request(url, {
    method: "PATCH",
    headers: {
      ...TUS,
      cookie: await hangar.cookie(hangar.demo),
      "upload-offset": String(offset),
      "content-type": "application/offset+octet-stream",
      "content-length": String(SIZE - offset),
    },
  });
  const answer = new Promise<{ status: number; offset: string | undefined } | { error: string }>((resolve) => {
    request.on("response", (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, offset: response.headers["upload-offset"] as string | undefined }));
    });
    request.on("error", (error) => resolve({ error: error.message }));
  });
  return { request, answer };
}

const received = (id: string) => {
  const file = path.join(hangar.dataDir, "uploads", id);
  return fs.existsSync(file) ? fs.statSync(file).size : 0;
};

const readyz = () =>
  fetch(`${hangar.url}/readyz`).then(
    (response) => response.status,
    () => "refused",
  );

async function expectStoredChecksum(imageId: string) {
  await expect
    .poll(async () => (await hangar.db.image.findUnique({ where: { id: imageId }, select: { sha256: true } }))?.sha256, { timeout: 30_000 })
    .toBe(sourceSha256);
}

it("turns /readyz to 503 at SIGTERM while it still serves, answers the PATCH that ends meanwhile, and exits 0", async () => {
  expect(await readyz()).toBe(200);
  const upload = await createUpload("shutdown-finishes");
  const { request, answer } = await streamingPatch(upload.url, 0);
  request.write(source.subarray(0, SIZE / 2));
  await expect.poll(() => received(upload.id)).toBeGreaterThan(0);

  hangar.signal("SIGTERM");
  await expect.poll(readyz).toBe(503);
  expect(await (await fetch(`${hangar.url}/readyz`)).json()).toEqual({ status: "shutting down" });
  request.end(source.subarray(SIZE / 2));
  expect(await answer).toEqual({ status: 204, offset: String(SIZE) });

  expect(await hangar.exited()).toEqual({ code: 0, signal: null });
  expect(hangar.log()).toMatch(/SIGTERM: shutting down/);
  expect(hangar.log()).toMatch(/^shut down$/m);
  await hangar.restart();
  await expectStoredChecksum(upload.imageId);
});

it("cuts a PATCH still streaming at the end of the grace period, exits 0, and the upload resumes from what arrived after a restart", async () => {
  const upload = await createUpload("shutdown-resumes");
  const first = await streamingPatch(upload.url, 0);
  const half = Math.floor(SIZE / 2);
  first.request.write(source.subarray(0, half));
  await expect.poll(() => received(upload.id)).toBe(half);

  hangar.signal("SIGTERM");
  // The client sends nothing more: the PATCH is cut when the grace period ends, and the process exits of itself.
  expect(await hangar.exited()).toEqual({ code: 0, signal: null });
  expect(await first.answer).toHaveProperty("error");
  expect(hangar.log()).toMatch(/shut down, 1 request cut at the end of the grace period/);

  await hangar.restart();
  const head = await fetch(upload.url, { method: "HEAD", headers: { ...TUS, cookie: await hangar.cookie(hangar.demo) } });
  expect(head.status).toBe(200);
  const offset = Number(head.headers.get("upload-offset"));
  expect(offset).toBe(half);
  const rest = await streamingPatch(upload.url, offset);
  rest.request.end(source.subarray(offset));
  expect(await rest.answer).toEqual({ status: 204, offset: String(SIZE) });
  await expectStoredChecksum(upload.imageId);
});
