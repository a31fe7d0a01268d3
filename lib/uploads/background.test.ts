import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";

// What the production server does with no client asking: it resumes validations after a
// restart (lib/server/hangar.ts) and sweeps expired uploads on its schedule (lib/uploads/jobs.ts).
// Expiry and sweep are configured short here, through the variables an operator sets.
const EXPIRY_MS = 5000;
const guests = fixtureFamily("guests");
let hangar: HangarProcess;
beforeAll(async () => {
  hangar = await launchHangar({ HANGAR_UPLOAD_EXPIRY: `${EXPIRY_MS / 1000}s`, HANGAR_UPLOAD_CLEANUP_INTERVAL: "0.5s" });
});
afterAll(async () => {
  // Unset when beforeAll failed before the server started.
  await (hangar as HangarProcess | undefined)?.close();
});

const TUS = { "tus-resumable": "1.0.0" };
const metadata = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString("base64")}`)
    .join(",");

async function created(length: number, name: string): Promise<{ url: string; id: string; imageId: string }> {
  const response = await fetch(`${hangar.url}/api/v1/uploads`, {
    method: "POST",
    headers: {
      ...TUS,
      cookie: await hangar.cookie(hangar.demo),
      "upload-length": String(length),
      "upload-metadata": metadata({ name, filename: `${name}.qcow2` }),
    },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const location = response.headers.get("location") ?? "";
  return { url: new URL(location, hangar.url).toString(), id: location.split("/").pop() ?? "", imageId: response.headers.get("hangar-image-id") ?? "" };
}

async function patch(url: string, offset: number, body: Buffer): Promise<void> {
  const response = await fetch(url, {
    method: "PATCH",
    headers: { ...TUS, cookie: await hangar.cookie(hangar.demo), "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
    body: new Uint8Array(body),
  });
  expect(response.status, await response.clone().text()).toBe(204);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const imageOf = (id: string) => hangar.db.image.findUnique({ where: { id } });
/** The bytes the server's upload area holds of upload `id` (a file, or S3 parts), null when nothing. */
const staged = (id: string) => hangar.storage.stagedSize(id);

describe.skipIf(guests.skipped)("after a restart", () => {
  it("validates an image left in status validating, with no client asking", async () => {
    const bytes = fs.readFileSync(guests.file("debian12-gpt-ext4.qcow2"));
    const upload = await created(bytes.length, "left-validating");
    await patch(upload.url, 0, bytes);
    await expect.poll(async () => (await imageOf(upload.imageId))?.status, { timeout: 30_000 }).toBe("ready");

    // The state a crash during validation leaves: the bytes in storage, the image still validating, no report.
    await hangar.kill("SIGKILL");
    await hangar.db.image.update({ where: { id: upload.imageId }, data: { status: "validating", report: null, validationProgress: 0 } });
    const { storageKey } = await hangar.db.image.findUniqueOrThrow({ where: { id: upload.imageId } });
    expect(await hangar.storage.images.size(storageKey ?? "")).toBe(bytes.length);
    await hangar.restart();

    await expect.poll(async () => (await imageOf(upload.imageId))?.status, { timeout: 30_000 }).toBe("ready");
    const image = await hangar.db.image.findUniqueOrThrow({ where: { id: upload.imageId } });
    expect(JSON.parse(image.report ?? "null")).toMatchObject({ verdict: "accepted", format: "qcow2" });
    expect(image.validationProgress).toBe(100);
    // Two validations of up to 30 s each and a restart of the production server: more than the default 60 s on a loaded machine.
  }, 120_000);
});

describe("the cleanup job", () => {
  it("removes an upload and its bytes once no byte arrived for the expiry, while PATCHes keep another alive", async () => {
    const abandoned = await created(1000, "abandoned");
    await patch(abandoned.url, 0, Buffer.alloc(100));
    const active = await created(1000, "active");
    const createdAt = Date.now();
    expect(await staged(abandoned.id)).toBe(100);

    // One small PATCH a second, past the expiry counted from the active upload's creation.
    let offset = 0;
    while (Date.now() - createdAt < EXPIRY_MS + 3000) {
      await patch(active.url, offset, Buffer.alloc(10));
      offset += 10;
      await sleep(1000);
    }
    expect(await imageOf(abandoned.imageId)).toBeNull();
    expect(await hangar.db.upload.findUnique({ where: { id: abandoned.id } })).toBeNull();
    expect(await staged(abandoned.id)).toBeNull();
    expect((await imageOf(active.imageId))?.status).toBe("uploading");
    expect(await staged(active.id)).toBe(offset);

    // Left alone, the active one goes too.
    await expect.poll(async () => imageOf(active.imageId), { timeout: EXPIRY_MS + 10_000, interval: 500 }).toBeNull();
    // The job deletes the record first, then the bytes.
    await expect.poll(() => staged(active.id), { timeout: 5000 }).toBeNull();
  });
});
