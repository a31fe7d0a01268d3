import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { type FixtureServer, startFixtureServer } from "../imports/testing/fixture-server";
import { createTestBucket, type TestBucket } from "../testing/ceph";
import { fixtureFamily } from "../testing/fixtures";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";

// The production server on PostgreSQL and an S3 bucket of the run's Ceph RGW (Vitest's s3 project), configured as an
// operator does it (HANGAR_S3_*): every image byte lives in the bucket, none under the data directory.

const guests = fixtureFamily("guests");
const formats = fixtureFamily("formats");
let bucket: TestBucket;
let hangar: HangarProcess;
/** An internal mirror on loopback, allowlisted for imports. */
let mirror: FixtureServer;
let cookie: string;
/** The bucket's objects once the seed's images were stored and validated. */
let seeded: string[];

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const objects = async () => (await bucket.contents()).objects.sort();

beforeAll(async () => {
  bucket = await createTestBucket();
  const served = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-s3-mirror-"));
  if (!guests.skipped) fs.copyFileSync(guests.file("debian12-gpt-ext4.qcow2"), path.join(served, "debian12.qcow2"));
  mirror = await startFixtureServer(served);
  hangar = await launchHangar({ HANGAR_IMPORT_ALLOW: "127.0.0.1/32" }, { s3: bucket });
  cookie = await hangar.cookie(hangar.demo);
  // The seed's images, validated from the bucket.
  await vi.waitFor(
    async () => {
      if ((await hangar.db.image.count({ where: { status: "validating" } })) > 0) throw new Error("the seed's images are still validating");
    },
    { timeout: 60_000, interval: 200 },
  );
  seeded = await objects();
}, 180_000);
afterAll(async () => {
  await hangar.close();
  await mirror.close();
  await bucket.drop();
});

/** Uploads `bytes` as tus clients do (creation, then two PATCHes) and returns the image's id once its validation ended. */
async function upload(bytes: Buffer, fileName: string, name: string): Promise<string> {
  const headers = { cookie, "tus-resumable": "1.0.0" };
  const metadata = [`name ${Buffer.from(name).toString("base64")}`, `filename ${Buffer.from(fileName).toString("base64")}`].join(",");
  const created = await fetch(`${hangar.url}/api/v1/uploads`, {
    method: "POST",
    headers: { ...headers, "upload-length": String(bytes.length), "upload-metadata": metadata },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const location = new URL(created.headers.get("location") ?? "", hangar.url).href;
  const half = Math.floor(bytes.length / 2);
  for (const [offset, end] of [
    [0, half],
    [half, bytes.length],
  ]) {
    const patched = await fetch(location, {
      method: "PATCH",
      headers: { ...headers, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      body: new Uint8Array(bytes.subarray(offset, end)),
    });
    expect(patched.status, await patched.clone().text()).toBe(204);
  }
  const { imageId } = await hangar.db.upload.findUniqueOrThrow({ where: { id: location.split("/").pop() ?? "" } });
  const status = async () => (await hangar.db.image.findUniqueOrThrow({ where: { id: imageId } })).status;
  await expect.poll(status, { timeout: 60_000 }).not.toMatch(/^(uploading|validating)$/);
  return imageId;
}

/** Nothing of the images under the data directory: no images directory, no upload left in the uploads one. */
function expectNothingLocal(): void {
  expect(fs.existsSync(path.join(hangar.dataDir, "images"))).toBe(false);
  const uploads = path.join(hangar.dataDir, "uploads");
  expect(fs.existsSync(uploads) ? fs.readdirSync(uploads) : []).toEqual([]);
}

async function remove(id: string): Promise<void> {
  const deleted = await fetch(`${hangar.url}/api/v1/images/${id}`, { method: "DELETE", headers: { cookie } });
  expect(deleted.status, await deleted.clone().text()).toBe(204);
}

it.skipIf(guests.skipped)("an upload is validated from the bucket, downloaded from it (whole, a range, exported) and deleted from it", async () => {
  const bytes = fs.readFileSync(guests.file("debian12-gpt-ext4.qcow2"));
  const id = await upload(bytes, "debian12.qcow2", "s3-debian");
  const image = await hangar.db.image.findUniqueOrThrow({ where: { id } });
  expect([image.status, image.sha256]).toEqual(["ready", sha256(bytes)]);
  // The image's object, and nothing of the upload (no multipart upload, no .info or .part object).
  expect(await objects()).toEqual([...seeded, `images/${image.storageKey}`].sort());
  expect((await bucket.contents()).uploads).toEqual([]);
  expectNothingLocal();

  const file = `${hangar.url}/api/v1/images/${id}/file`;
  const whole = await fetch(file, { headers: { cookie } });
  expect(whole.status).toBe(200);
  expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(bytes));
  const range = await fetch(file, { headers: { cookie, range: "bytes=65536-131071" } });
  expect([range.status, range.headers.get("content-range")]).toEqual([206, `bytes 65536-131071/${bytes.length}`]);
  expect(Buffer.from(await range.arrayBuffer()).equals(bytes.subarray(65536, 131072))).toBe(true);
  const raw = await fetch(`${file}?format=raw`, { headers: { cookie } });
  expect(raw.status).toBe(200);
  let exported = 0;
  const reader = (raw.body as ReadableStream<Uint8Array>).getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) exported += part.value.length;
  expect(exported).toBe(Number(image.virtualSize));

  await remove(id);
  expect(await objects()).toEqual(seeded);
  expectNothingLocal();
});

it.skipIf(formats.skipped)("a hostile image is rejected from the bucket, and its deletion leaves nothing behind", async () => {
  const bytes = fs.readFileSync(formats.file("hostile-backing.qcow2"));
  const id = await upload(bytes, "hostile.qcow2", "s3-hostile");
  const image = await hangar.db.image.findUniqueOrThrow({ where: { id } });
  const report = JSON.parse(image.report ?? "null") as { checks: { id: string; status: string }[] };
  expect(image.status).toBe("rejected");
  expect(report.checks.find((check) => check.id === "format.safe")).toMatchObject({ status: "fail" });
  // Kept for its owner to read the report, until deleted.
  expect(await objects()).toEqual([...seeded, `images/${image.storageKey}`].sort());
  expectNothingLocal();
  await remove(id);
  expect(await objects()).toEqual(seeded);
  expect((await bucket.contents()).uploads).toEqual([]);
  expectNothingLocal();
});

it.skipIf(guests.skipped)("an import from a URL lands in the bucket, through validation, and nothing of its download stays on the node", async () => {
  const bytes = fs.readFileSync(guests.file("debian12-gpt-ext4.qcow2"));
  const started = await fetch(`${hangar.url}/api/v1/images/imports`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ url: `${mirror.base}/debian12.qcow2`, checksum: `sha256:${sha256(bytes)}`, name: "s3-imported" }),
  });
  expect(started.status, await started.clone().text()).toBe(201);
  const { id } = (await started.json()) as { id: string };
  const row = () => hangar.db.imageImport.findUniqueOrThrow({ where: { id }, include: { image: true } });
  await expect.poll(async () => [(await row()).status, (await row()).image?.status], { timeout: 60_000 }).toEqual(["done", "ready"]);
  const image = (await row()).image;
  expect(image?.sha256).toBe(sha256(bytes));
  expect(await objects()).toEqual([...seeded, `images/${image?.storageKey ?? ""}`].sort());
  expect((await bucket.contents()).uploads).toEqual([]);
  const downloads = path.join(hangar.dataDir, "imports");
  expect(fs.existsSync(downloads) ? fs.readdirSync(downloads) : []).toEqual([]);
  expectNothingLocal();
  await remove(image?.id ?? "");
  expect(await objects()).toEqual(seeded);
});
